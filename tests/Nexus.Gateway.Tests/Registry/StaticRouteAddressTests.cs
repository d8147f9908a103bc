using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>Static routes follow the registry's rule for credentials in URLs and for the gateway's own address (one shared policy).</summary>
public sealed class StaticRouteAddressTests
{
    [Theory]
    [InlineData("http://user:secret@127.0.0.1:9/", "credentials")]
    [InlineData("http://localhost.:{port}/", "own address")]
    [InlineData("http://0.0.0.0:{port}/v1", "own address")]
    [InlineData("http://[::1]:{port}/", "own address")]
    public async Task PutRoute_WithCredentialsOrTheGatewaysOwnAddress_Returns400(string url, string reason)
    {
        await using var gateway = await GatewayHost.StartAsync();
        var body = new JsonObject { ["upstreams"] = new JsonArray(new JsonObject { ["url"] = url.Replace("{port}", gateway.BaseAddress.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) }) };

        using var response = await gateway.Admin.PutAsync("admin/routes/models/llama", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, problem.ToJsonString());
        problem["errors"]!["upstreams"]![0]!.GetValue<string>().ShouldContain(reason);
        (await gateway.Admin.GetFromJsonAsync<JsonArray>("admin/routes"))!.Count.ShouldBe(0);
    }

    [Fact]
    public void ConfiguredRoute_WithCredentialsInItsUrl_IsRefusedAtStart()
    {
        var options = new GatewayOptions();
        options.Routes.Models["llama"] = [new StaticUpstream { Url = "http://user:secret@upstream:8000/" }];

        var result = new GatewayOptionsValidation().Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("credentials");
    }
}
