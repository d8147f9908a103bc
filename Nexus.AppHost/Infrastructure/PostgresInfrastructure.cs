using Microsoft.Extensions.DependencyInjection;

namespace Nexus.AppHost.Infrastructure;

/// <summary>
/// The gateway's database: Aspire's PostgreSQL container and database in the manifest; in run mode the local PostgreSQL
/// binaries when installed, else none (the gateway then uses SQLite).
/// </summary>
internal static class PostgresInfrastructure
{
    public static IResourceBuilder<IResourceWithConnectionString>? AddNexusPostgres(this IDistributedApplicationBuilder builder, string name,
        string databaseName, LocalPrograms? programs = null)
    {
        // Named explicitly: Aspire's default volume name embeds a hash of the AppHost's path, so each clone would differ.
        if (builder.ExecutionContext.IsPublishMode) return builder.AddPostgres(name).WithDataVolume($"nexus-{name}-data").AddDatabase(databaseName);

        programs ??= LocalPrograms.Installed;
        if (programs.FindDirectoryWith("postgres", "initdb") is not { } bin)
        {
            builder.RecordEmbedded(name, "no PostgreSQL (postgres, initdb) on PATH or under /usr/lib/postgresql; the gateway uses SQLite");
            return null;
        }

        // PostgreSQL refuses to run as root; as root it runs as the package's own system user.
        string[] runAs = [];
        if (Environment.IsPrivilegedProcess)
        {
            if (programs.Find("setpriv") is not { } setpriv || !LocalPostgres.SystemUserExists())
            {
                builder.RecordEmbedded(name, "running as root, and PostgreSQL needs the 'postgres' user and setpriv to drop privileges");
                return null;
            }

            runAs = [setpriv, $"--reuid={LocalPostgres.UserName}", $"--regid={LocalPostgres.UserName}", "--init-groups"];
        }

        builder.RecordLocal(name, Path.Combine(bin, "postgres"));
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        var root = builder.DataDirectory(name);
        var server = new LocalPostgresResource(name, runAs.Length > 0 ? runAs[0] : Path.Combine(bin, "postgres"), root, password.Resource);
        var postgres = builder.AddResource(server).WithLoopbackEndpoint("tcp", "tcp");
        var port = postgres.GetEndpoint("tcp").Property(EndpointProperty.TargetPort);
        postgres.WithArgs(context =>
        {
            foreach (var argument in runAs.Skip(1)) context.Args.Add(argument);
            if (runAs.Length > 0) context.Args.Add(Path.Combine(bin, "postgres"));
            foreach (var argument in new[] { "-D", Path.Combine(root, "data"), "-h", "127.0.0.1", "-c", "unix_socket_directories=", "-p" }) context.Args.Add(argument);
            context.Args.Add(port);
        });

        var database = builder.AddResource(new LocalPostgresDatabaseResource(databaseName, server))
            .WithParentRelationship(postgres)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", Properties = [], State = KnownResourceStates.Waiting });

        postgres.OnBeforeResourceStarted((resource, _, ct) => LocalPostgres.InitializeAsync(bin, runAs, root, resource, ct));
        postgres.OnResourceReady(async (resource, @event, ct) =>
        {
            await LocalPostgres.CreateDatabaseAsync(resource, databaseName, ct).ConfigureAwait(false);
            // An executable does not hand its state to a child as a container does: without this, WaitFor(database) never returns.
            await @event.Services.GetRequiredService<ResourceNotificationService>()
                .PublishUpdateAsync(database.Resource, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow })
                .ConfigureAwait(false);
        });
        postgres.OnResourceStopped(async (_, @event, _) =>
            await @event.Services.GetRequiredService<ResourceNotificationService>()
                .PublishUpdateAsync(database.Resource, s => s with { State = KnownResourceStates.Waiting })
                .ConfigureAwait(false));

        // Unpooled: an idle pooled connection from the AppHost would hold PostgreSQL's shutdown (SIGTERM waits for clients).
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await LocalPostgres.UnpooledConnectionStringAsync(server, ct).ConfigureAwait(false));
        var check = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString ?? throw new InvalidOperationException($"{name} has no address yet."), name: check);
        postgres.WithHealthCheck(check);
        return database;
    }
}
