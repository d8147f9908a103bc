using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Agents.Tests;

public sealed class SpecsApiTests
{
    [Fact]
    public async Task Put_InvalidSpec_IsRefusedWithEveryErrorAndTheRunningAgentKeepsItsSpec()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()), new Dictionary<string, string> { ["helper"] = Specs.Agent("helper") });

        using var put = Put("helper", "name: helper\nmodel: \"\"\nbudgets: { tokens: -1 }\n");
        var response = await host.Http.SendAsync(put);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).ShouldBe(["instructions", "model", "budgets.tokens"], ignoreOrder: true);
        var spec = await host.Http.GetFromJsonAsync<JsonObject>("v1/agents/specs/helper");
        spec!["model"]!.GetValue<string>().ShouldBe("test-model");
    }

    [Fact]
    public async Task Put_ValidSpec_IsInForceAndListedAsAModel()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()));

        using var put = Put("writer", Specs.Agent("writer"));
        (await host.Http.SendAsync(put)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var metadata = await host.Http.GetFromJsonAsync<JsonObject>("v1/metadata");
        metadata!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ShouldContain("agent:writer");
        File.Exists(Path.Combine(host.SpecsPath, "writer.yaml")).ShouldBeTrue();
    }

    [Fact]
    public async Task Put_WithoutAdminKey_IsUnauthorized()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()));

        var response = await host.Http.PutAsync("v1/agents/specs/x", new StringContent(Specs.Agent("x")));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WatchedFolder_FileWrittenThenBroken_AgentAppearsAndKeepsItsLastValidSpec()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()));
        var file = Path.Combine(host.SpecsPath, "watcher.yaml");

        await File.WriteAllTextAsync(file, Specs.Agent("watcher"));
        await Eventually.WaitAsync(() => host.Http.GetStringAsync("v1/agents"), text => text.Contains("\"watcher\"", StringComparison.Ordinal), "the agent to appear", TimeSpan.FromSeconds(20));

        await File.WriteAllTextAsync(file, "name: watcher\nmodel: 12\nbogus: 1\n");
        var list = await Eventually.WaitAsync(() => host.Http.GetFromJsonAsync<JsonObject>("v1/agents"), 
            // The watcher may read the file while it is half written (another error first): wait for the whole file's.
            l => l!["problems"]!.AsArray().Count == 1 && l["problems"]![0]!["errors"]!.ToJsonString().Contains("bogus:", StringComparison.Ordinal),
            "the problem to be reported", TimeSpan.FromSeconds(20));

        list!["agents"]!.AsArray().Single()!["name"]!.GetValue<string>().ShouldBe("watcher");
        list["problems"]![0]!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldContain(e => e.StartsWith("bogus:", StringComparison.Ordinal));
    }

    private static HttpRequestMessage Put(string name, string yaml) => new(HttpMethod.Put, $"v1/agents/specs/{name}")
    {
        Content = new StringContent(yaml, Encoding.UTF8, "application/yaml"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AgentsHost.AdminKey) },
    };
}
