using Nexus.AppHost.Hosting;
using Nexus.AppHost.Tests.Infrastructure;

namespace Nexus.AppHost.Tests.Hosting;

public sealed class ExpressionTests
{
    [Fact]
    public void ConnectionString_PostgresDatabase_RendersAspireExpressionAndRunValue()
    {
        var builder = TestModel.CreateBuilder();
        var postgres = builder.AddPostgres("pg");
        var db = postgres.AddDatabase("appdb");
        postgres.Resource.Endpoints[0].AllocatedPort = 5999;
        postgres.Resource.Password.Value = "secret";

        postgres.Resource.ConnectionStringExpression.ValueExpression
            .ShouldBe("Host={pg.bindings.tcp.host};Port={pg.bindings.tcp.port};Username=postgres;Password={pg-password.value}");
        db.Resource.ConnectionStringExpression.ValueExpression.ShouldBe("{pg.connectionString};Database=appdb");
        db.Resource.ConnectionStringExpression.GetValue().ShouldBe("Host=127.0.0.1;Port=5999;Username=postgres;Password=secret;Database=appdb");
    }

    [Fact]
    public void GetValue_InfrastructureReplacedByEmbeddedDefault_IsNull()
    {
        var builder = TestModel.CreateBuilder();
        var redis = builder.AddRedis("cache");
        redis.Resource.Endpoints[0].AllocatedPort = 6000;
        redis.Resource.IsAvailable = false;

        redis.Resource.ConnectionStringExpression.GetValue().ShouldBeNull();
    }

    [Fact]
    public void Create_InterpolatedEndpointAndParameter_KeepsLiteralsAndRendersBoth()
    {
        var builder = TestModel.CreateBuilder();
        var api = builder.AddProject("api", "../Nexus.Gateway/Nexus.Gateway.csproj");
        var key = builder.AddParameter("key", secret: true);
        key.Resource.Value = "k1";
        api.Resource.Endpoints[0].AllocatedPort = 7001;

        var expression = ReferenceExpression.Create($"{api.GetEndpoint("http")}/v1?key={key.Resource}");

        expression.ValueExpression.ShouldBe("{api.bindings.http.url}/v1?key={key.value}");
        expression.GetValue().ShouldBe("http://localhost:7001/v1?key=k1");
    }
}
