using Microsoft.Extensions.DependencyInjection;

namespace Nexus.AppHost.Infrastructure;

/// <summary>Redis for the gateway's shared limits: Aspire's container in the manifest, redis-server when installed, else none.</summary>
internal static class RedisInfrastructure
{
    public static IResourceBuilder<IResourceWithConnectionString>? AddNexusRedis(this IDistributedApplicationBuilder builder, string name,
        LocalPrograms? programs = null)
    {
        // The schema azd and aspirate read knows only tcp, http and https schemes; Aspire 13 writes "redis".
        if (builder.ExecutionContext.IsPublishMode) return builder.AddRedis(name).WithEndpoint("tcp", e => e.UriScheme = "tcp");

        if ((programs ?? LocalPrograms.Installed).Find("redis-server") is not { } server)
        {
            builder.RecordEmbedded(name, "redis-server is not installed; the gateway keeps limits in memory");
            return null;
        }

        builder.RecordLocal(name, server);
        var data = builder.DataDirectory(name);
        var redis = builder.AddResource(new LocalRedisResource(name, server, data))
            .WithLoopbackEndpoint("tcp", "tcp");
        var endpoint = redis.GetEndpoint("tcp");
        redis.WithArgs(context =>
        {
            context.Args.Add("--port");
            context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            context.Args.Add("--bind");
            context.Args.Add("127.0.0.1");
            context.Args.Add("--dir");
            context.Args.Add(data);
            context.Args.Add("--save");
            context.Args.Add("60 1");
            context.Args.Add("--appendonly");
            context.Args.Add("no");
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis.Resource, async (_, ct) =>
            connectionString = await redis.Resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
        var check = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException($"{name} has no address yet."), name: check);
        return redis.WithHealthCheck(check);
    }
}

/// <summary>redis-server as a local process, with a connection string as Aspire's Redis resource has.</summary>
internal sealed class LocalRedisResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var endpoint = new EndpointReference(this, "tcp");
            return ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}");
        }
    }
}
