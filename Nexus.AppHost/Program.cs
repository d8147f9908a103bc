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

// Services: one line each (and a ProjectReference in Nexus.AppHost.csproj, which generates Projects.*); a stable port
// for one a person opens (port: 8400, external: true); more settings chain on the line (.WithOptionalReference(nexusdb)).
var inference = builder.AddNexusService<Projects.Nexus_Services_Inference>("inference", gateway, registrationToken).WithKubernetesResources(memoryRequest: "512Mi", memoryLimit: "1Gi");
builder.AddNexusService<Projects.Nexus_Services_Speech>("speech", gateway, registrationToken);
builder.AddNexusService<Projects.Nexus_Services_Ocr>("ocr", gateway, registrationToken);
builder.AddNexusService<Projects.Nexus_Services_Image>("image", gateway, registrationToken);
// Knowledge embeds with the inference service's local model directly: through the gateway it would need a tenant key,
// which only an operator can create (set Knowledge__Gateway__ApiKey in its environment for answers and gateway audit).
builder.AddNexusService<Projects.Nexus_Services_Knowledge>("knowledge", gateway, registrationToken).WithOptionalReference(nexusdb).WithReference(inference).WithEnvironment("Knowledge__Embeddings__Url", inference.GetEndpoint("http"));
builder.AddNexusService<Projects.Nexus_Ui>("ui", gateway, registrationToken, port: 8400, external: true);

builder.Build().Run();
