using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Services.Engines;
using Nexus.Services.Knowledge;
using Nexus.Services.Knowledge.Answering;
using Nexus.Services.Knowledge.Apis;
using Nexus.Services.Knowledge.Documents;
using Nexus.Services.Knowledge.Embeddings;
using Nexus.Services.Knowledge.Retrieval;
using Nexus.Services.Knowledge.Storage;

namespace Microsoft.Extensions.Hosting;

/// <summary>The knowledge service's wiring: <c>builder.AddKnowledgeService()</c> and <c>app.MapKnowledgeApi()</c>.</summary>
public static class KnowledgeServiceExtensions
{
    /// <summary>The Aspire connection name of the PostgreSQL database (<c>ConnectionStrings__nexusdb</c>), shared with the gateway.</summary>
    public const string PostgresConnectionName = "nexusdb";

    public static TBuilder AddKnowledgeService<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KnowledgeOptions>, KnowledgeOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(PostgresConnectionName))) AddPostgres(builder);
        else AddSqlite(services);
        // First among the hosted services, so the schema is in place before Kestrel listens.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StoreMigrator>());

        // Service discovery, so a gateway named in the AppHost (http://gateway) resolves.
        services.AddHttpClient(Upstream.HttpClientName).AddServiceDiscovery();
        services.AddSingleton<Upstreams>();
        services.AddSingleton<Embedder>();
        services.AddSingleton<ModelProbe>();
        services.AddSingleton(sp => new PdfText(sp.GetRequiredService<IOptions<KnowledgeOptions>>(),
            new EngineGate(sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value.MaxConcurrentConversions, TimeSpan.FromSeconds(30))));
        services.AddSingleton<DocumentReader>();
        services.AddSingleton<Ingestion>();
        services.AddSingleton<Retriever>();
        services.AddSingleton<Answerer>();
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store")
            .AddCheck<EmbeddingsHealthCheck>("embeddings")
            .AddCheck<ChatHealthCheck>("chat");
        return builder;
    }

    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/v1/knowledge");
        api.MapCollections();
        api.MapDocuments();
        api.MapQuery();
        return endpoints;
    }

    // Each store in its own method, compiled only when chosen: a service on SQLite never loads Npgsql.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddPostgres(IHostApplicationBuilder builder)
    {
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        // The store's own readiness check pings the database; Aspire's would be a second one.
        builder.AddNpgsqlDataSource(PostgresConnectionName, settings =>
        {
            settings.DisableHealthChecks = true;
            settings.DisableTracing = settings.DisableMetrics = !exporting;
        });
        builder.Services.TryAddSingleton<KnowledgeStore, PostgresKnowledgeStore>();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddSqlite(IServiceCollection services) =>
        services.TryAddSingleton<KnowledgeStore>(sp => new SqliteKnowledgeStore(
            sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value.SqlitePath,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SqliteKnowledgeStore>>()));
}
