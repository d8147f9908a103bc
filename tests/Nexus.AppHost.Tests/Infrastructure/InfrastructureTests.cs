using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Nexus.AppHost.Infrastructure;

namespace Nexus.AppHost.Tests.Infrastructure;

/// <summary>Which resource each infrastructure verb adds: publish mode, run mode with the binary, run mode without it.</summary>
public sealed class InfrastructureTests : IDisposable
{
    private readonly TestBuilders _builders = new();

    [Fact]
    public void AddNexusRedis_PublishMode_AddsAspiresRedisContainerWithATcpScheme()
    {
        var builder = _builders.Publish();

        var redis = builder.AddNexusRedis("redis", _builders.Programs("redis-server"));

        redis!.Resource.ShouldBeOfType<RedisResource>();
        redis.Resource.Annotations.OfType<EndpointAnnotation>().Single().UriScheme.ShouldBe("tcp");
    }

    [Fact]
    public void AddNexusRedis_RunModeWithRedisServer_RunsTheLocalBinaryWithItsDataInTheStateDirectory()
    {
        var builder = _builders.Run();
        var programs = _builders.Programs("redis-server");

        var redis = builder.AddNexusRedis("redis", programs)!.Resource.ShouldBeOfType<LocalRedisResource>();

        redis.Command.ShouldBe(programs.Find("redis-server"));
        redis.WorkingDirectory.ShouldBe(Path.Combine(_builders.StateDirectory, "redis"));
        Directory.Exists(redis.WorkingDirectory).ShouldBeTrue();
        redis.Annotations.OfType<HealthCheckAnnotation>().ShouldNotBeEmpty();
        redis.ConnectionStringExpression.ValueExpression.ShouldBe("{redis.bindings.tcp.host}:{redis.bindings.tcp.port}");
        Choices(builder).ShouldBe([new InfrastructureChoice("redis", programs.Find("redis-server")!, IsEmbedded: false)]);
    }

    [Fact]
    public void AddNexusRedis_RunModeWithoutRedisServer_AddsNothingAndRecordsTheEmbeddedDefault()
    {
        var builder = _builders.Run();

        builder.AddNexusRedis("redis", _builders.Programs()).ShouldBeNull();

        builder.Resources.ShouldNotContain(r => r.Name == "redis");
        Choices(builder).Single().IsEmbedded.ShouldBeTrue();
        Choices(builder).Single().How.ShouldContain("redis-server is not installed");
    }

    [Fact]
    public void AddNexusEtcd_PublishMode_AddsTheEtcdContainerWithANamedVolume()
    {
        var builder = _builders.Publish();

        var etcd = builder.AddNexusEtcd("etcd", _builders.Programs("etcd"))!.Resource.ShouldBeOfType<ContainerResource>();

        etcd.Annotations.OfType<ContainerImageAnnotation>().Single().Image.ShouldBe(EtcdInfrastructure.Image);
        etcd.Annotations.OfType<ContainerMountAnnotation>().Single().Source.ShouldBe("nexus-etcd-data");
    }

    [Fact]
    public void AddNexusEtcd_RunModeWithEtcd_RunsTheLocalBinaryWithAnHttpHealthCheck()
    {
        var builder = _builders.Run();
        var programs = _builders.Programs("etcd");

        var etcd = builder.AddNexusEtcd("etcd", programs)!.Resource.ShouldBeOfType<ExecutableResource>();

        etcd.Command.ShouldBe(programs.Find("etcd"));
        etcd.Annotations.OfType<EndpointAnnotation>().Select(e => e.Name).ShouldBe(["http", "peer"], ignoreOrder: true);
        etcd.Annotations.OfType<HealthCheckAnnotation>().ShouldNotBeEmpty();
    }

    [Fact]
    public void AddNexusEtcd_RunModeWithoutEtcd_AddsNothing()
    {
        var builder = _builders.Run();

        builder.AddNexusEtcd("etcd", _builders.Programs("redis-server")).ShouldBeNull();

        builder.Resources.ShouldNotContain(r => r.Name == "etcd");
        Choices(builder).Single().IsEmbedded.ShouldBeTrue();
    }

    [Fact]
    public void AddNexusPostgres_PublishMode_AddsAspiresPostgresDatabaseWithANamedVolume()
    {
        var builder = _builders.Publish();

        var database = builder.AddNexusPostgres("postgres", "nexusdb", _builders.Programs())!.Resource.ShouldBeOfType<PostgresDatabaseResource>();

        database.Parent.Name.ShouldBe("postgres");
        database.Parent.Annotations.OfType<ContainerMountAnnotation>().Single().Source.ShouldBe("nexus-postgres-data");
    }

    [SkippableFact]
    public void AddNexusPostgres_RunModeWithTheBinaries_RunsTheLocalServerWithItsDatabaseAsAChild()
    {
        Skip.If(Environment.IsPrivilegedProcess && !LocalPostgres.SystemUserExists(), "Running as root without a 'postgres' user.");
        var builder = _builders.Run();

        var database = builder.AddNexusPostgres("postgres", "nexusdb", _builders.Programs("postgres", "initdb", "setpriv"))!
            .Resource.ShouldBeOfType<LocalPostgresDatabaseResource>();

        database.Parent.Name.ShouldBe("postgres");
        database.ConnectionStringExpression.ValueExpression.ShouldBe("{postgres.connectionString};Database=nexusdb");
        database.Parent.WorkingDirectory.ShouldBe(Path.Combine(_builders.StateDirectory, "postgres"));
        builder.Resources.OfType<ParameterResource>().Single().Name.ShouldBe("postgres-password");
    }

    [Fact]
    public void AddNexusPostgres_RunModeWithoutInitdb_AddsNothing()
    {
        var builder = _builders.Run();

        builder.AddNexusPostgres("postgres", "nexusdb", _builders.Programs("postgres")).ShouldBeNull();

        builder.Resources.ShouldBeEmpty();
        Choices(builder).Single().How.ShouldContain("the gateway uses SQLite");
    }

    [Fact]
    public void FindDirectoryWith_ProgramsSplitAcrossDirectories_ChoosesTheDirectoryHoldingAll()
    {
        var partial = _builders.Programs("postgres");
        var complete = _builders.Programs("postgres", "initdb");

        var programs = new LocalPrograms([.. partial.Directories, .. complete.Directories]);

        programs.FindDirectoryWith("postgres", "initdb").ShouldBe(complete.Directories[0]);
        programs.Find("postgres").ShouldBe(Path.Combine(partial.Directories[0], "postgres"));
    }

    [Fact]
    public void QuoteIdentifier_NameWithAQuote_DoublesIt() =>
        LocalPostgres.QuoteIdentifier("a\"b").ShouldBe("\"a\"\"b\"");

    private static List<InfrastructureChoice> Choices(IDistributedApplicationBuilder builder) =>
        builder.Services.Where(d => d.ServiceType == typeof(InfrastructureChoice)).Select(d => (InfrastructureChoice)d.ImplementationInstance!).ToList();

    public void Dispose() => _builders.Dispose();
}
