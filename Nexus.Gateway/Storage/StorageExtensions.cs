using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Nexus.Gateway;
using Nexus.Gateway.Storage;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wires the gateway's store: PostgreSQL when <c>ConnectionStrings:nexusdb</c> is set, a SQLite file otherwise.</summary>
public static class GatewayStorageExtensions
{
    public static IHostApplicationBuilder AddGatewayStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ImplementationType == typeof(StoreMigrator))) return builder; // keys and routes both ask for it
        var postgres = builder.Configuration.GetConnectionString("nexusdb");
        if (!string.IsNullOrWhiteSpace(postgres)) AddPostgres(builder.Services, postgres);
        else AddSqlite(builder.Services);

        // Registered before every other hosted service of the gateway so migrations run first, before Kestrel listens.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StoreMigrator>());
        return builder;
    }

    // Each store in its own method, compiled only when chosen: compiling the PostgreSQL registration loads Npgsql,
    // which a gateway on SQLite would otherwise keep mapped for nothing.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddPostgres(IServiceCollection services, string connectionString)
    {
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.TryAddSingleton<IGatewayStore, PostgresGatewayStore>();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddSqlite(IServiceCollection services) =>
        services.TryAddSingleton<IGatewayStore>(sp => new SqliteGatewayStore(
            SqliteGatewayStore.ConnectionStringFor(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SqlitePath),
            sp.GetRequiredService<ILogger<SqliteGatewayStore>>()));
}
