var builder = DistributedApplication.CreateBuilder(args);
builder.AddUserSecretsInEveryEnvironment(typeof(Program).Assembly, args);
builder.AddNexusLifecycle();
builder.AddNexusKubernetesPublisher();

// Infrastructure: Aspire's containers in the manifest; local binaries in run mode, else each consumer's embedded default.
var nexusdb = builder.AddNexusPostgres("postgres", "nexusdb");
var redis = builder.AddNexusRedis("redis");
var etcd = builder.AddNexusEtcd("etcd");

// Credentials: the registration token is new on every run; the bootstrap admin key is kept across runs and printed.
var registrationToken = builder.AddNexusSecret("registry-token", persist: false);
var adminKey = builder.AddNexusSecret("bootstrap-admin-key", persist: true).WithValuePrinted("Bootstrap admin key");

// The gateway, on the one stable, documented port.
var gateway = builder.AddProject<Projects.Nexus_Gateway>("gateway")
    .WithStableHttpPort(8480)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithNexusDefaults()
    .WithNexusMtlsClient()
    .WithOptionalReference(nexusdb)
    .WithOptionalReference(redis)
    .WithOptionalEtcd(etcd)
    .WithEnvironment("Nexus__Registry__Token", registrationToken)
    .WithEnvironment("Nexus__Gateway__BootstrapAdminKey", adminKey);
// In run mode the UI reaches the gateway over loopback and names the browser's address in X-Forwarded-For when it checks
// a key: the gateway believes it, so one person's wrong keys lock out that person's browser, not every UI user.
if (builder.ExecutionContext.IsRunMode)
{
    gateway.WithEnvironment("Nexus__Gateway__TrustedProxies__0", "127.0.0.1").WithEnvironment("Nexus__Gateway__TrustedProxies__1", "::1");
}

// Services: one line each (and a ProjectReference in Nexus.AppHost.csproj, which generates Projects.*); a stable port
// for one a person opens (port: 8400, external: true); more settings chain on the line (.WithOptionalReference(nexusdb)).
var inference = builder.AddNexusService<Projects.Nexus_Services_Inference>("inference", gateway, registrationToken).WithKubernetesResources(memoryRequest: "512Mi", memoryLimit: "1Gi");
builder.AddNexusService<Projects.Nexus_Services_Speech>("speech", gateway, registrationToken);
builder.AddNexusService<Projects.Nexus_Services_Ocr>("ocr", gateway, registrationToken);
builder.AddNexusService<Projects.Nexus_Services_Image>("image", gateway, registrationToken);
// Services that call the gateway as tenants get a tenant key of their own, which the gateway creates at start.
var knowledgeKey = builder.AddNexusTenantKey(gateway, "knowledge");
var agentsKey = builder.AddNexusTenantKey(gateway, "agents", readRegistry: true);
// Knowledge embeds with the inference service's local model directly (no gateway hop per chunk); answers go through the gateway with its key.
builder.AddNexusService<Projects.Nexus_Services_Knowledge>("knowledge", gateway, registrationToken).WithOptionalReference(nexusdb).WithReference(inference).WithEnvironment("Knowledge__Embeddings__Url", inference.GetEndpoint("http")).WithEnvironment("Knowledge__Gateway__ApiKey", knowledgeKey);
// The agents call models, tools and the registry through the gateway with their key; their tables (agent_*) share the Nexus database.
builder.AddNexusService<Projects.Nexus_Agents>("agents", gateway, registrationToken).WithOptionalDatabase(nexusdb, "agentsdb").WithNexusAgentsGateway(gateway, agentsKey, TenantKeys.TenantId("agents"))
    .WithKubernetesPersistentData("5Gi"); // specs, binary tool results, run workspaces (deploy/README.md, writable paths)
builder.AddNexusService<Projects.Nexus_Ui>("ui", gateway, registrationToken, port: 8400, external: true)
    .WithKubernetesPersistentData("64Mi"); // its data protection keys: sign-in cookies outlive the pod

builder.Build().Run();
