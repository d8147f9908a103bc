using Nexus.AppHost.Hosting;
using Nexus.AppHost.Tests.Infrastructure;

namespace Nexus.AppHost.Tests.Hosting;

public sealed class EnvironmentInjectionTests
{
    private static RunContext Context(string? otlp = null) => new()
    {
        StateDirectory = Path.GetTempPath(),
        RunId = "run1",
        Preference = InfrastructurePreference.Auto,
        Http = new HttpClient(),
        OtlpEndpoint = otlp,
    };

    [Fact]
    public void Build_ProjectWithReferences_InjectsAspireConventions()
    {
        var builder = TestModel.CreateBuilder();
        var redis = builder.AddRedis("cache");
        var gateway = builder.AddProject("gateway", "../Nexus.Gateway/Nexus.Gateway.csproj");
        var token = builder.AddGeneratedParameter("token", persist: false);
        var service = builder.AddProject("speech", "../Nexus.Gateway/Nexus.Gateway.csproj")
            .WithReference(redis)
            .WithReference(gateway)
            .WithEnvironment("Nexus__Registry__Token", token);
        redis.Resource.Endpoints[0].AllocatedPort = 6380;
        gateway.Resource.Endpoints[0].AllocatedPort = 8481;
        service.Resource.Endpoints[0].AllocatedPort = 9001;
        token.Resource.Value = "t0k3n";

        var environment = ProjectEnvironment.Build(service.Resource, Context("http://localhost:4317"));

        environment["ConnectionStrings__cache"].ShouldBe("127.0.0.1:6380");
        environment["services__gateway__http__0"].ShouldBe("http://localhost:8481");
        environment["ASPNETCORE_URLS"].ShouldBe("http://localhost:9001");
        environment["OTEL_SERVICE_NAME"].ShouldBe("speech");
        environment["OTEL_RESOURCE_ATTRIBUTES"].ShouldBe("service.instance.id=speech-run1");
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"].ShouldBe("http://localhost:4317");
        environment["Nexus__Registry__Token"].ShouldBe("t0k3n");
    }

    [Fact]
    public void Build_NoOtlpEndpointAndEmbeddedInfrastructure_LeavesThoseSettingsOut()
    {
        var builder = TestModel.CreateBuilder();
        var redis = builder.AddRedis("cache");
        var service = builder.AddProject("speech", "../Nexus.Gateway/Nexus.Gateway.csproj").WithReference(redis);
        redis.Resource.IsAvailable = false;
        service.Resource.Endpoints[0].AllocatedPort = 9002;

        var environment = ProjectEnvironment.Build(service.Resource, Context());

        environment.ShouldNotContainKey("ConnectionStrings__cache");
        environment.ShouldNotContainKey("OTEL_EXPORTER_OTLP_ENDPOINT");
    }

    [Fact]
    public void Parse_PublisherWithoutOutputPath_DefaultsToTheManifestFileName()
    {
        var options = NexusAppOptions.Parse(["--publisher", "manifest"]);

        options.IsPublishMode.ShouldBeTrue();
        options.OutputPath.ShouldBe("aspire-manifest.json");
        Should.Throw<ArgumentException>(() => NexusAppOptions.Parse(["--publisher", "bicep"])).Message.ShouldContain("bicep");
        NexusAppOptions.Parse(["--port", "gateway=9100"]).Ports["gateway"].ShouldBe(9100);
    }
}
