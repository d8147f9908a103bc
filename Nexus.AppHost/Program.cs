var builder = NexusApp.CreateBuilder(args);

// Infrastructure: local binaries, else containers, else each consumer's embedded default (see README.md).
var postgres = builder.AddPostgres("postgres").WithDataVolume();
var nexusdb = postgres.AddDatabase("nexusdb");
var redis = builder.AddRedis("redis");
var etcd = builder.AddEtcd("etcd").WithDataVolume();

// Credentials: the registration token is new on every run; the bootstrap admin key is kept and printed once.
var registrationToken = builder.AddGeneratedParameter("registry-token", minLength: 32, persist: false);
var adminKey = builder.AddGeneratedParameter("bootstrap-admin-key", minLength: 32).WithPrintedValue("Bootstrap admin key");

// The gateway: the one stable, documented port (8480; --port gateway=N or NEXUS_PORT_GATEWAY to change it).
var gateway = builder.AddProject("gateway", "../Nexus.Gateway/Nexus.Gateway.csproj")
    .WithHttpEndpoint(port: 8480)
    .WithExternalHttpEndpoints()
    .WithReference(nexusdb).WaitFor(nexusdb)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Nexus__Registry__Etcd__Url", etcd.GetEndpoint("http")).WaitFor(etcd)
    .WithRegistrationToken(registrationToken)
    .WithEnvironment("Nexus__Gateway__BootstrapAdminKey", adminKey);

// Services: one statement each (and a ProjectReference in Nexus.AppHost.csproj so the build includes them).
builder.AddNexusService("speech", "../Nexus.Services/Nexus.Services.Speech/Nexus.Services.Speech.csproj", gateway, registrationToken);
builder.AddNexusService("ocr", "../Nexus.Services/Nexus.Services.Ocr/Nexus.Services.Ocr.csproj", gateway, registrationToken);
builder.AddNexusService("image", "../Nexus.Services/Nexus.Services.Image/Nexus.Services.Image.csproj", gateway, registrationToken);

builder.Build().Run();
