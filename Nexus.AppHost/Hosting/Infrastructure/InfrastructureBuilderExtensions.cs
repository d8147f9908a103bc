namespace Nexus.AppHost.Hosting;

/// <summary><c>AddPostgres</c>, <c>AddDatabase</c>, <c>AddRedis</c>, <c>AddEtcd</c>, <c>WithDataVolume</c>, as in Aspire's integrations.</summary>
public static class InfrastructureBuilderExtensions
{
    /// <summary>PostgreSQL with a generated password parameter <c>{name}-password</c>.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this NexusAppBuilder builder, string name)
    {
        var password = builder.AddGeneratedParameter($"{name}-password");
        return builder.AddResource(new PostgresServerResource(name, password.Resource));
    }

    /// <summary>A database, created on the server when it first becomes healthy.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name,
        string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }

    public static IResourceBuilder<RedisResource> AddRedis(this NexusAppBuilder builder, string name) =>
        builder.AddResource(new RedisResource(name));

    public static IResourceBuilder<EtcdResource> AddEtcd(this NexusAppBuilder builder, string name) =>
        builder.AddResource(new EtcdResource(name));

    /// <summary>Keeps the container's data in a named volume (<c>nexus.apphost-{name}-data</c>, as Aspire names it).</summary>
    public static IResourceBuilder<T> WithDataVolume<T>(this IResourceBuilder<T> builder) where T : InfrastructureResource
    {
        var target = builder.Resource switch
        {
            PostgresServerResource => "/var/lib/postgresql/data",
            EtcdResource => "/etcd-data",
            _ => "/data",
        };
        builder.Resource.Volumes.Add(($"nexus.apphost-{builder.Resource.Name}-data", target));
        return builder;
    }
}
