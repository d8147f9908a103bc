using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Nexus.AppHost.Lifecycle;
using Nexus.AppHost.Tests.Infrastructure;

namespace Nexus.AppHost.Tests.Lifecycle;

public sealed class OrderedShutdownTests : IDisposable
{
    private readonly TestBuilders _builders = new();

    [Fact]
    public void StopOrder_ServicesGatewayInfrastructure_StopsWhatDependsOnOthersFirst()
    {
        var builder = _builders.Run();
        var postgres = builder.AddExecutable("postgres", "postgres", ".");
        var redis = builder.AddExecutable("redis", "redis-server", ".");
        var gateway = builder.AddExecutable("gateway", "gateway", ".").WaitFor(postgres).WaitFor(redis);
        var speech = builder.AddExecutable("speech", "speech", ".").WaitFor(gateway);
        var ocr = builder.AddExecutable("ocr", "ocr", ".").WaitFor(gateway);

        var waves = OrderedShutdown.StopOrder([postgres.Resource, redis.Resource, gateway.Resource, speech.Resource, ocr.Resource]);

        waves.Select(w => w.Select(r => r.Name).Order().ToArray()).ShouldBe([["ocr", "speech"], ["gateway"], ["postgres", "redis"]]);
    }

    [Fact]
    public void StopOrder_ServicesReferencingTheGatewayWithoutWaitingForIt_StopBeforeIt()
    {
        var builder = _builders.Run();
        var gateway = builder.AddExecutable("gateway", "gateway", ".").WithHttpEndpoint(name: "http");
        var speech = builder.AddExecutable("speech", "speech", ".").WithEnvironment("Nexus__Registry__Url", gateway.GetEndpoint("http"));

        var waves = OrderedShutdown.StopOrder([gateway.Resource, speech.Resource]);

        waves.Select(w => w.Single().Name).ShouldBe(["speech", "gateway"]);
    }

    [Fact]
    public void StopOrder_DependencyOnADatabase_StopsItsServerAfterTheConsumer()
    {
        var builder = _builders.Run();
        var server = builder.AddExecutable("postgres", "postgres", ".");
        var database = builder.AddResource(new TestDatabase("nexusdb", server.Resource));
        var gateway = builder.AddExecutable("gateway", "gateway", ".").WaitFor(database);

        var waves = OrderedShutdown.StopOrder([server.Resource, gateway.Resource]);

        waves.Select(w => w.Single().Name).ShouldBe(["gateway", "postgres"]);
    }

    public void Dispose() => _builders.Dispose();

    private sealed class TestDatabase(string name, ExecutableResource parent) : Resource(name), IResourceWithParent<ExecutableResource>
    {
        public ExecutableResource Parent { get; } = parent;
    }
}
