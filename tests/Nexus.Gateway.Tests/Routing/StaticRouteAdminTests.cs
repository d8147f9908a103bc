using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Routing;

/// <summary>Static routes through the admin API: kept in the store, served by every replica, over configuration's.</summary>
public sealed class StaticRouteAdminTests
{
    private static object Chat(string model) => new { model, messages = new[] { new { role = "user", content = "Hi" } } };

    private static object RouteTo(params FakeUpstream[] upstreams) => new { upstreams = upstreams.Select(u => new { url = u.BaseAddress.ToString() }).ToArray() };

    [Fact]
    public async Task PutModelRoute_ServesTheModelAndListsIt()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        using (var before = await client.PostAsJsonAsync("v1/chat/completions", Chat("meta-llama/Llama-3.1-8B"))) before.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var put = await gateway.Admin.PutAsJsonAsync("admin/routes/models/meta-llama/Llama-3.1-8B", RouteTo(upstream));
        using var chat = await client.PostAsJsonAsync("v1/chat/completions", Chat("meta-llama/Llama-3.1-8B"));
        var models = await client.GetFromJsonAsync<JsonObject>("v1/models");
        var route = await gateway.Admin.GetFromJsonAsync<JsonObject>("admin/routes/models/meta-llama/Llama-3.1-8B");

        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        chat.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.Requests.ShouldBe(1);
        models!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ShouldContain("meta-llama/Llama-3.1-8B");
        route!["source"]!.GetValue<string>().ShouldBe("admin");
        route["upstreams"]![0]!["url"]!.GetValue<string>().ShouldBe(upstream.BaseAddress.ToString());
    }

    [Fact]
    public async Task PutServiceRoute_ServesTheServiceThroughV1Services()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using (var put = await gateway.Admin.PutAsJsonAsync("admin/routes/services/ocr", RouteTo(upstream))) put.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var call = await client.PostAsJsonAsync("v1/services/ocr/v1/embeddings", new { model = "any", input = "text" });

        call.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.Paths.ShouldContain("/v1/embeddings");
    }

    [Fact]
    public async Task RouteWithUpstreamKey_UpstreamGetsItAndTheApiNeverShowsIt()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using (var put = await gateway.Admin.PutAsJsonAsync("admin/routes/models/gpt-4o", new { upstreams = new[] { new { url = upstream.BaseAddress.ToString(), apiKey = "sk-upstream-secret" } } }))
        {
            (await put.Content.ReadAsStringAsync()).ShouldNotContain("sk-upstream-secret");
        }

        using (var chat = await client.PostAsJsonAsync("v1/chat/completions", Chat("gpt-4o"))) chat.StatusCode.ShouldBe(HttpStatusCode.OK);
        var listing = await gateway.Admin.GetStringAsync("admin/routes");

        upstream.Authorizations.ShouldBe(["Bearer sk-upstream-secret"]);
        listing.ShouldNotContain("sk-upstream-secret");
        listing.ShouldContain("\"hasApiKey\":true");
    }

    [Fact]
    public async Task StoredRoute_ReplacesTheConfiguredOne_DeletingItBringsTheConfiguredOneBack()
    {
        await using var configured = await FakeUpstream.StartAsync("configured");
        await using var stored = await FakeUpstream.StartAsync("stored");
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", configured));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using (var put = await gateway.Admin.PutAsJsonAsync("admin/routes/models/llama", RouteTo(stored))) put.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var chat = await client.PostAsJsonAsync("v1/chat/completions", Chat("llama"))) chat.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var delete = await gateway.Admin.DeleteAsync("admin/routes/models/llama")) delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using (var chat = await client.PostAsJsonAsync("v1/chat/completions", Chat("llama"))) chat.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var deleteConfigured = await gateway.Admin.DeleteAsync("admin/routes/models/llama");
        var route = await gateway.Admin.GetFromJsonAsync<JsonObject>("admin/routes/models/llama");

        stored.Requests.ShouldBe(1);
        configured.Requests.ShouldBe(1);
        deleteConfigured.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        route!["source"]!.GetValue<string>().ShouldBe("configuration");
    }

    [Fact]
    public async Task RouteMovedOffAFailingUpstream_ServesAtOnce_NotHeldBackByTheOldCircuit()
    {
        await using var failing = await FakeUpstream.StartAsync("failing");
        failing.Behavior = UpstreamBehavior.Fail503;
        await using var healthy = await FakeUpstream.StartAsync("healthy");
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Gateway:CircuitFailureThreshold"] = "1",
            ["Nexus:Gateway:CircuitBreakDuration"] = "00:10:00",
            ["Nexus:Gateway:MaxAttempts"] = "1",
        });
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        using (var put = await gateway.Admin.PutAsJsonAsync("admin/routes/models/llama", RouteTo(failing))) put.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var failed = await client.PostAsJsonAsync("v1/chat/completions", Chat("llama"))) failed.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

        using (var put = await gateway.Admin.PutAsJsonAsync("admin/routes/models/llama", RouteTo(healthy))) put.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var chat = await client.PostAsJsonAsync("v1/chat/completions", Chat("llama"));

        chat.StatusCode.ShouldBe(HttpStatusCode.OK);
        healthy.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task RouteCreatedOnOneReplica_ServesOnTheOther_AndItsDeletionToo()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = new Dictionary<string, string?> { ["Nexus:Gateway:SqlitePath"] = GatewayHost.NewDatabasePath() };
        await using var first = await GatewayHost.StartAsync(settings);
        await using var second = await GatewayHost.StartAsync(settings);
        var (_, _, key) = await first.CreateKeyAsync();
        using var client = second.Client(key);

        using (var put = await first.Admin.PutAsJsonAsync("admin/routes/models/llama", RouteTo(upstream))) put.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.WaitAsync(() => ChatStatusAsync(client, "llama"), status => status == HttpStatusCode.OK, "the route on the other replica");
        using (var delete = await first.Admin.DeleteAsync("admin/routes/models/llama")) delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var after = await Eventually.WaitAsync(() => ChatStatusAsync(client, "llama"), status => status != HttpStatusCode.OK, "the deletion on the other replica");

        after.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task StoredRoute_SurvivesARestart()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = new Dictionary<string, string?> { ["Nexus:Gateway:SqlitePath"] = GatewayHost.NewDatabasePath() };
        string key;
        await using (var gateway = await GatewayHost.StartAsync(settings))
        {
            (_, _, key) = await gateway.CreateKeyAsync();
            using var put = await gateway.Admin.PutAsJsonAsync("admin/routes/models/llama", RouteTo(upstream));
            put.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await using var restarted = await GatewayHost.StartAsync(settings);
        using var client = restarted.Client(key);
        using var chat = await client.PostAsJsonAsync("v1/chat/completions", Chat("llama"));

        chat.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"upstreams":[]}""", "upstreams")]
    [InlineData("""{"upstreams":[{"url":"/relative"}]}""", "upstreams")]
    [InlineData("""{"upstreams":[{"url":"ftp://host/"}]}""", "upstreams")]
    [InlineData("""{"upstreams":[{"url":"http://host/","labels":{"gpu":"a100,h100"}}]}""", "upstreams")]
    [InlineData("""{"upstreams":[null]}""", "upstreams")]
    [InlineData("""{}""", "upstreams")]
    public async Task PutRoute_InvalidRoute_Returns400NamingTheField(string body, string field)
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.Admin.PutAsync("admin/routes/models/llama", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        var routes = await gateway.Admin.GetFromJsonAsync<JsonArray>("admin/routes");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]![field].ShouldNotBeNull();
        routes!.Count.ShouldBe(0);
    }

    [Fact]
    public async Task PutRoute_MalformedJson_Returns400Problem()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.Admin.PutAsync("admin/routes/models/llama", new StringContent("{\"upstreams\": [", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task UnknownKindOrRoute_Returns404_AndTenantKeysCannotEditRoutes()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var tenant = gateway.Client(key);

        using var unknownKind = await gateway.Admin.PutAsJsonAsync("admin/routes/things/llama", RouteTo(upstream));
        using var unknownRoute = await gateway.Admin.GetAsync("admin/routes/models/llama");
        using var deleteUnknown = await gateway.Admin.DeleteAsync("admin/routes/models/llama");
        using var byTenant = await tenant.PutAsJsonAsync("admin/routes/models/llama", RouteTo(upstream));

        unknownKind.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknownRoute.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        deleteUnknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        byTenant.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static async Task<HttpStatusCode> ChatStatusAsync(HttpClient client, string model)
    {
        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat(model));
        return response.StatusCode;
    }
}
