using Nexus.AppHost.Hosting;
using Nexus.AppHost.Tests.Infrastructure;

namespace Nexus.AppHost.Tests.Hosting;

public sealed class DependencyGraphTests
{
    [Fact]
    public void Sort_DependencyDeclaredAfterItsConsumer_PutsTheDependencyFirst()
    {
        var builder = TestModel.CreateBuilder();
        var worker = builder.AddExecutable("worker", "sleep", ".", "1");
        var api = builder.AddExecutable("api", "sleep", ".", "1");
        var db = builder.AddRedis("cache");
        worker.WaitFor(api);
        api.WithReference(db);

        var order = DependencyGraph.Sort(builder.Resources).Select(r => r.Name).ToList();

        order.ShouldBe(["cache", "api", "worker"]);
    }

    [Fact]
    public void Build_ResourcesWaitingForEachOther_ThrowsNamingTheCycle()
    {
        var builder = TestModel.CreateBuilder();
        var a = builder.AddExecutable("a", "sleep", ".", "1");
        var b = builder.AddExecutable("b", "sleep", ".", "1");
        a.WaitFor(b);
        b.WaitFor(a);

        var error = Should.Throw<InvalidOperationException>(() => builder.Build());

        error.Message.ShouldContain("a -> b -> a");
    }

    [Fact]
    public void AddResource_DuplicateName_Throws()
    {
        var builder = TestModel.CreateBuilder();
        builder.AddRedis("cache");

        Should.Throw<InvalidOperationException>(() => builder.AddEtcd("cache")).Message.ShouldContain("'cache'");
    }
}
