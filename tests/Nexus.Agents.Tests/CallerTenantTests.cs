using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Nexus.Agents.Runtime;
using Nexus.Testing;

namespace Nexus.Agents.Tests;

/// <summary>The caller's tenant (the gateway's <c>X-Nexus-Tenant</c>) owns its runs, approvals and memories; another tenant sees none of them.</summary>
public sealed class CallerTenantTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static HttpRequestMessage As(string? tenant, HttpMethod method, string path, object? body = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (tenant is not null) request.Headers.Add("X-Nexus-Tenant", tenant);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    private static async Task<JsonObject> SendAsync(AgentsHost host, HttpRequestMessage request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using (request)
        using (var response = await host.Http.SendAsync(request).WaitAsync(Timeout))
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(expected, text);
            return JsonNode.Parse(text) as JsonObject ?? [];
        }
    }

    private static Task<JsonObject> RunAsync(AgentsHost host, string? tenant, string input, string agent = "helper") =>
        SendAsync(host, As(tenant, HttpMethod.Post, "v1/agents/runs", new { agent, input, user = "ada", workspace = "w1", wait = true }));

    [Fact]
    public async Task Runs_OfTheCallersTenant_AreListedNewestFirstPagedAndHiddenFromOthers()
    {
        var model = new ScriptedChatClient().ThenText("one").ThenText("two").ThenText("three").ThenText("other");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["helper"] = Specs.Agent("helper") });
        var first = await RunAsync(host, "tn_a", "first");
        await RunAsync(host, "tn_a", "second");
        var third = await RunAsync(host, "tn_a", "third");
        var other = await RunAsync(host, "tn_b", "theirs");

        var page = await SendAsync(host, As("tn_a", HttpMethod.Get, "v1/agents/runs?limit=2"));
        var rest = await SendAsync(host, As("tn_a", HttpMethod.Get, "v1/agents/runs?limit=2&offset=2"));
        var theirs = await SendAsync(host, As("tn_b", HttpMethod.Get, "v1/agents/runs"));

        page["total"]!.GetValue<int>().ShouldBe(3);
        page["runs"]!.AsArray().Select(r => r!["output"]!.GetValue<string>()).ShouldBe(["three", "two"]);
        page["next"]!.GetValue<int>().ShouldBe(2);
        rest["runs"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(first["id"]!.GetValue<string>());
        rest["next"].ShouldBeNull();
        theirs["runs"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(other["id"]!.GetValue<string>());
        host.Get<RunRegistry>().Find(third["id"]!.GetValue<string>())!.Scope.Tenant.ShouldBe("tn_a");

        // Another tenant's run is not there at all: not its state, its events, nor a cancel.
        var id = third["id"]!.GetValue<string>();
        await SendAsync(host, As("tn_b", HttpMethod.Get, $"v1/agents/runs/{id}"), HttpStatusCode.NotFound);
        await SendAsync(host, As("tn_b", HttpMethod.Get, $"v1/agents/runs/{id}/events"), HttpStatusCode.NotFound);
        await SendAsync(host, As("tn_b", HttpMethod.Post, $"v1/agents/runs/{id}/cancel"), HttpStatusCode.NotFound);
        (await SendAsync(host, As("tn_a", HttpMethod.Get, $"v1/agents/runs/{id}")))["output"]!.GetValue<string>().ShouldBe("three");
    }

    [Fact]
    public async Task Runs_DirectCallWithoutTheHeader_RunInTheConfiguredTenant()
    {
        var model = new ScriptedChatClient().ThenText("direct");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["helper"] = Specs.Agent("helper") },
            settings: new Dictionary<string, string?> { ["Agents:Tenant"] = "tn_agents" });

        var run = await RunAsync(host, null, "hello");

        host.Get<RunRegistry>().Find(run["id"]!.GetValue<string>())!.Scope.Tenant.ShouldBe("tn_agents");
        (await SendAsync(host, As(null, HttpMethod.Get, "v1/agents/runs")))["total"]!.GetValue<int>().ShouldBe(1);
        (await SendAsync(host, As("tn_a", HttpMethod.Get, "v1/agents/runs")))["total"]!.GetValue<int>().ShouldBe(0);
    }

    [Theory]
    [InlineData("v1/agents/runs?limit=0")]
    [InlineData("v1/agents/runs?limit=201")]
    [InlineData("v1/agents/runs?offset=-1")]
    public async Task Runs_ListWithABadPage_Returns400(string path)
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()));

        await SendAsync(host, As("tn_a", HttpMethod.Get, path), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Runs_MalformedTenantHeader_Returns400()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()));

        await SendAsync(host, As("tn a; drop", HttpMethod.Get, "v1/agents/runs"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Approvals_ListedAndDecidedByTheirOwnTenantOnly()
    {
        var model = new ScriptedChatClient().ThenCall("platform__service_health", new { service = "speech" }).ThenText("Checked.");
        var specs = new Dictionary<string, string> { ["careful"] = Specs.Agent("careful", "tools:\n  allow: [\"platform.*\"]\n  approve: [\"platform.service_health\"]\n") };
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), specs);
        var paused = await RunAsync(host, "tn_a", "Is speech healthy?", "careful");
        paused["state"]!.GetValue<string>().ShouldBe(RunStates.WaitingForApproval);

        var mine = await SendAsync(host, As("tn_a", HttpMethod.Get, "v1/agents/approvals"));
        var theirs = await SendAsync(host, As("tn_b", HttpMethod.Get, "v1/agents/approvals"));
        var approval = mine["approvals"]!.AsArray().Single()!["id"]!.GetValue<string>();
        theirs["approvals"]!.AsArray().ShouldBeEmpty();

        var decision = new { approved = true, reason = "fine", by = "ada" };
        await SendAsync(host, As("tn_b", HttpMethod.Post, $"v1/agents/approvals/{approval}", decision), HttpStatusCode.NotFound);
        await SendAsync(host, As(null, HttpMethod.Post, $"v1/agents/approvals/{approval}", decision), HttpStatusCode.Unauthorized);
        (await SendAsync(host, As("tn_b", HttpMethod.Get, "v1/agents/approvals")))["approvals"]!.AsArray().ShouldBeEmpty();
        var outcome = await SendAsync(host, As("tn_a", HttpMethod.Post, $"v1/agents/approvals/{approval}", decision));

        outcome["resumed"]!.GetValue<bool>().ShouldBeTrue();
        var run = host.Get<RunRegistry>().Find(paused["id"]!.GetValue<string>())!;
        await Eventually.TrueAsync(() => run.IsFinished, "the resumed run to end", Timeout);
        run.State.ShouldBe(RunStates.Completed);
        (await SendAsync(host, As("tn_a", HttpMethod.Get, "v1/agents/approvals")))["approvals"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Approvals_WithTheAdminKey_AnyTenantsApprovalCanBeDecided()
    {
        var model = new ScriptedChatClient().ThenCall("platform__service_health", new { service = "speech" }).ThenText("Checked.");
        var specs = new Dictionary<string, string> { ["careful"] = Specs.Agent("careful", "tools:\n  allow: [\"platform.*\"]\n  approve: [\"platform.service_health\"]\n") };
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), specs);
        await RunAsync(host, "tn_a", "Is speech healthy?", "careful");
        var approval = (await SendAsync(host, As("tn_a", HttpMethod.Get, "v1/agents/approvals")))["approvals"]!.AsArray().Single()!["id"]!.GetValue<string>();

        var outcome = await SendAsync(host, As(null, HttpMethod.Post, $"v1/agents/approvals/{approval}", new { approved = false, reason = "no" }, AgentsHost.AdminKey));

        outcome["approved"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Memory_OfAnotherTenant_IsNeitherListedNorDeleted()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()));
        var store = host.Get<Nexus.Agents.Memory.IAgentStore>();
        await store.AddMemoryAsync(new Nexus.Agents.Memory.MemoryScope("tn_a", "ada", "w1"), "Ada likes tea.", [1f, 0f], CancellationToken.None);

        var mine = await host.Http.SendAsync(As("tn_a", HttpMethod.Get, "v1/agents/memory?user=ada&workspace=w1"));
        var deleted = await SendAsync(host, As("tn_b", HttpMethod.Delete, "v1/agents/memory?user=ada&workspace=w1"));
        var theirs = await host.Http.SendAsync(As("tn_b", HttpMethod.Get, "v1/agents/memory?user=ada&workspace=w1"));

        (await mine.Content.ReadFromJsonAsync<JsonArray>())!.Count.ShouldBe(1);
        deleted["deleted"]!.GetValue<int>().ShouldBe(0);
        (await theirs.Content.ReadFromJsonAsync<JsonArray>())!.ShouldBeEmpty();
    }
}
