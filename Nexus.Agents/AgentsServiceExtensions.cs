using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Agents;
using Nexus.Agents.Apis;
using Nexus.Agents.Memory;
using Nexus.Agents.Partners;
using Nexus.Agents.Runtime;
using Nexus.Agents.Specs;
using Nexus.Agents.Tools;
using Nexus.Contract;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>The agents service's wiring: <c>builder.AddAgentsService()</c> and <c>app.MapAgentsApi()</c>.</summary>
public static class AgentsServiceExtensions
{
    public static TBuilder AddAgentsService<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<AgentsOptions>().BindConfiguration(AgentsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentsOptions>, AgentsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(RegistryMirror.ClientName);
        services.AddHttpClient(AgentAssembly.GatewayClientName, c => c.Timeout = TimeSpan.FromMinutes(5));

        services.AddSingleton<SpecCatalog>();
        services.AddSingleton<SpecFolder>();
        services.AddHostedService(sp => sp.GetRequiredService<SpecFolder>());
        services.AddSingleton<RegistryMirror>();
        services.AddHostedService(sp => sp.GetRequiredService<RegistryMirror>());
        services.AddMcpServerTools();
        services.AddSingleton<ToolBus>();
        services.AddWorkspaceTools();
        services.AddSingleton<BlobStore>();
        services.TryAddSingleton<IAgentChatClients, GatewayChatClients>();
        services.AddSingleton(sp => DataSource(builder.Configuration, sp.GetRequiredService<IOptions<AgentsOptions>>().Value));
        services.TryAddSingleton<IAgentStore>(sp => new SqlAgentStore(sp.GetRequiredService<DbDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RunRegistry>();
        services.AddSingleton<AgentAssembly>();
        services.AddSingleton<Partnership>();
        services.AddSingleton<Checkpoints>();
        services.AddSingleton<AgentRunner>();
        services.AddSingleton<IModelCatalog, AgentModelCatalog>();
        services.AddHealthChecks().AddCheck<AgentsHealthCheck>("agents");
        services.AddAgentsMcp();
        return builder;
    }

    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapChatCompletionsApi();
        endpoints.MapSpecsApi();
        endpoints.MapRunsApi();
        return endpoints;
    }

    // PostgreSQL when ConnectionStrings:agentsdb is set, else a SQLite file: the same SQL runs on both.
    private static DbDataSource DataSource(IConfiguration configuration, AgentsOptions options) =>
        configuration.GetConnectionString("agentsdb") is { Length: > 0 } postgres
            ? NpgsqlDataSource.Create(postgres)
            : SqliteFactory.Instance.CreateDataSource(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(options.SqlitePath), Pooling = true }.ToString());
}
