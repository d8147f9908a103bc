using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Gateway;
using Nexus.Gateway.Storage;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wires the gateway's store: PostgreSQL when <c>ConnectionStrings:nexusdb</c> is set, a SQLite file otherwise.</summary>
public static class GatewayStorageExtensions
{
    /// <summary>The Aspire connection name of the gateway's database (the AppHost injects <c>ConnectionStrings__nexusdb</c>).</summary>
    public const string PostgresConnectionName = "nexusdb";

    public static IHostApplicationBuilder AddGatewayStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ImplementationType == typeof(StoreMigrator))) return builder; // keys and routes both ask for it
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(PostgresConnectionName))) AddPostgres(builder);
        else AddSqlite(builder.Services);

        // Registered before every other hosted service of the gateway so migrations run first, before Kestrel listens.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StoreMigrator>());
        return builder;
    }

    // Each store in its own method, compiled only when chosen: compiling the PostgreSQL registration loads Npgsql,
    // which a gateway on SQLite would otherwise keep mapped for nothing.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddPostgres(IHostApplicationBuilder builder)
    {
        // Aspire's client: one pooled data source from the connection string, and the "PostgreSql" readiness check
        // (the gateway cannot check keys without its database). Its spans and metrics only when they are exported.
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.AddNpgsqlDataSource(PostgresConnectionName, settings => settings.DisableTracing = settings.DisableMetrics = !exporting);
        builder.Services.TryAddSingleton<IGatewayStore, PostgresGatewayStore>();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddSqlite(IServiceCollection services) =>
        services.TryAddSingleton<IGatewayStore>(sp => new SqliteGatewayStore(
            SqliteGatewayStore.ConnectionStringFor(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SqlitePath),
            sp.GetRequiredService<ILogger<SqliteGatewayStore>>()));
}
