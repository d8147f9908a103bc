using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
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
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(postgres));
            builder.Services.TryAddSingleton<IGatewayStore, PostgresGatewayStore>();
        }
        else
        {
            builder.Services.TryAddSingleton<IGatewayStore>(sp => new SqliteGatewayStore(
                SqliteGatewayStore.ConnectionStringFor(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Nexus.Gateway.GatewayOptions>>().Value.SqlitePath),
                sp.GetRequiredService<ILogger<SqliteGatewayStore>>()));
        }

        // Registered before every other hosted service of the gateway so migrations run first, before Kestrel listens.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StoreMigrator>());
        return builder;
    }
}
