using System.ClientModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Nexus.Agents.Runtime;
using Nexus.Agents.Tools;
using Nexus.Testing;
using OpenAI;
using OpenAI.Chat;

namespace Nexus.Agents.Tests;

/// <summary>
/// The real gateway with the real speech service (espeak-ng) registered: the tool bus reads the registry, calls
/// <c>speech.speak</c> through the gateway with the agents' key and stores the audio; the agents service registers too,
/// and the official OpenAI SDK, as a client of the gateway, streams a chat with <c>agent:&lt;name&gt;</c>.
/// </summary>
public sealed class ThroughGatewayTests
{
    internal const string AdminKey = "nxadm-agents-e2e-admin-key";
    internal const string RegistrationToken = "agents-e2e-registration-token";

    [SkippableFact]
    public async Task ToolBusAndOpenAISdk_ThroughTheRealGateway()
    {
        TestPrograms.Require("espeak-ng");
        var gateway = await StartGatewayAsync();
        try
        {
            var gatewayUrl = TestWebHost.BaseAddress(gateway).ToString().TrimEnd('/');
            var registration = new Dictionary<string, string?>
            {
                ["Nexus:Registry:Enabled"] = "true",
                ["Nexus:Registry:Url"] = gatewayUrl,
                ["Nexus:Registry:Token"] = RegistrationToken,
            };
            await using var speech = await TestService.StartAsync("Nexus.Services.Speech", "speech", registration,
                b => { b.AddServiceDefaults(); b.AddSpeechService(); }, app => { app.MapDefaultEndpoints(); app.MapSpeechApi(); });
            using var admin = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
            var key = await CreateTenantKeyAsync(admin);

            var model = new ScriptedChatClient()
                .ThenCall("speech__speak", new { model = "tts-1", input = "Hello from an agent.", voice = "alloy", response_format = "wav" })
                .ThenCall("speech__speak", new { model = "tts-1", input = 42 })
                .ThenText("Spoken.")
                .ThenText("Hello through the gateway.");
            var settings = new Dictionary<string, string?>(registration)
            {
                ["Agents:GatewayUrl"] = gatewayUrl,
                ["Agents:ApiKey"] = key,
                ["Agents:RegistryKey"] = AdminKey,
            };
            await using var agents = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string>
            {
                ["narrator"] = Specs.Agent("narrator", "tools:\n  allow: [\"speech.*\", \"platform.*\"]\n"),
            }, settings: settings);
            await Eventually.TrueAsync(() => agents.Get<RegistryMirror>().Instances.Any(i => i.Service == "speech" && i.State == "ready"), "the tool bus to see speech ready", TimeSpan.FromSeconds(30));

            var run = await RunMechanicsTests.RunAsync(agents, "narrator", "Say hello.", new Memory.MemoryScope("default", "ada", "studio"));

            run.State.ShouldBe(RunStates.Completed);
            string.Join(",", model.Calls[0].Options!.Tools!.Select(t => t.Name)).ShouldContain("speech__speak");
            var results = model.Calls[2].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
            var stored = results[0].Result!.ToString()!;
            stored.ShouldContain("\"stored\"");
            stored.ShouldNotContain("RIFF");
            var blob = run.Events.Single(e => e.Type == "blob").Data.GetProperty("id").GetString()!;
            var audio = await agents.Http.GetByteArrayAsync($"v1/agents/blobs/{blob}");
            audio[..4].ShouldBe("RIFF"u8.ToArray());
            results[1].Result!.ToString()!.ShouldContain("do not match the tool's schema");
            // The gateway writes its audit in batches, so the record appears shortly after the call.
            await Eventually.WaitAsync(() => admin.GetStringAsync("admin/audit"), audit => audit.Contains("speech", StringComparison.Ordinal), "the speech call in the gateway's audit", TimeSpan.FromSeconds(30));

            // The gateway routes agent:narrator to the agents service it registered; the SDK streams the answer.
            await Eventually.WaitAsync(() => admin.GetStringAsync("v1/registry/instances?state=ready&model=agent:narrator"), text => text.Contains("\"agents\"", StringComparison.Ordinal), "the agents service to be ready", TimeSpan.FromSeconds(30));
            var chat = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gatewayUrl + "/v1") }).GetChatClient("agent:narrator");
            var text = "";
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Greet me.")], new ChatCompletionOptions { EndUserId = "ada" }))
            {
                foreach (var part in update.ContentUpdate) text += part.Text;
            }

            text.ShouldBe("Hello through the gateway.");
        }
        finally
        {
            await TestWebHost.StopAsync(gateway);
        }
    }

    [Fact]
    public async Task ModelCalls_GoThroughTheGatewayWithTheAgentsKey()
    {
        var upstream = await StartOpenAIUpstreamAsync();
        var gateway = await StartGatewayAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Models:house-llm:0:Url"] = TestWebHost.BaseAddress(upstream).ToString() });
        try
        {
            var gatewayUrl = TestWebHost.BaseAddress(gateway).ToString().TrimEnd('/');
            using var admin = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
            var key = await CreateTenantKeyAsync(admin);
            await using var agents = await AgentsHost.StartAsync(null, new Dictionary<string, string>
            {
                ["plain"] = "name: plain\ninstructions: Be brief.\nmodel: house-llm\n",
            }, settings: new Dictionary<string, string?> { ["Agents:GatewayUrl"] = gatewayUrl, ["Agents:ApiKey"] = key });

            var run = await RunMechanicsTests.RunAsync(agents, "plain", "Hello?", new Memory.MemoryScope("default", "ada", "w"));

            run.State.ShouldBe(RunStates.Completed, run.Reason);
            run.Output.ShouldBe("Hello from the house model.");
            using var tenant = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            tenant.DefaultRequestHeaders.Authorization = new("Bearer", key);
            await Eventually.WaitAsync(() => tenant.GetStringAsync("v1/usage"), usage => usage.Contains("house-llm", StringComparison.Ordinal), "the model call in the tenant's usage", TimeSpan.FromSeconds(30));
        }
        finally
        {
            await TestWebHost.StopAsync(gateway);
            await TestWebHost.StopAsync(upstream);
        }
    }

    // An OpenAI-compatible upstream: the chat completion protocol with usage, as any OpenAI-compatible server answers.
    private static async Task<WebApplication> StartOpenAIUpstreamAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var request = await context.Request.ReadFromJsonAsync<JsonObject>();
            if (request?["stream"]?.GetValue<bool>() != true) return HouseAnswer();
            // Streamed as the protocol has it: content deltas, then (asked for with stream_options) the usage, then [DONE].
            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in new[] { "Hello from", " the house model." })
                await context.Response.WriteAsync($"data: {{\"id\":\"chatcmpl-house\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"house-llm\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{chunk}\"}},\"finish_reason\":null}}]}}\n\n");
            await context.Response.WriteAsync("data: {\"id\":\"chatcmpl-house\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"house-llm\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
            await context.Response.WriteAsync("data: {\"id\":\"chatcmpl-house\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"house-llm\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":6,\"total_tokens\":18}}\n\n");
            await context.Response.WriteAsync("data: [DONE]\n\n");
            return Results.Empty;
        });
        await TestWebHost.StartAsync(app);
        return app;
    }

    private static IResult HouseAnswer() => Results.Json(new
        {
            id = "chatcmpl-house",
            @object = "chat.completion",
            created = 1,
            model = "house-llm",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "Hello from the house model." }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 12, completion_tokens = 6, total_tokens = 18 },
        });

    internal static async Task<WebApplication> StartGatewayAsync(IDictionary<string, string?>? more = null)
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Gateway");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "gateway",
            ["Nexus:Registry:Token"] = RegistrationToken,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
            ["Nexus:Gateway:BootstrapAdminKey"] = AdminKey,
            ["Nexus:Gateway:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"nexus-agents-e2e-{Guid.NewGuid():N}.db"),
        });
        if (more is not null) builder.Configuration.AddInMemoryCollection(more);
        builder.AddServiceDefaults();
        builder.AddNexusGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapNexusGateway();
        await TestWebHost.StartAsync(app);
        return app;
    }

    internal static async Task<string> CreateTenantKeyAsync(HttpClient admin)
    {
        var tenant = await (await admin.PostAsJsonAsync("admin/tenants", new { name = "agents" })).Content.ReadFromJsonAsync<JsonObject>();
        var key = await (await admin.PostAsJsonAsync($"admin/tenants/{tenant!["id"]}/keys", new { name = "agents" })).Content.ReadFromJsonAsync<JsonObject>();
        return key!["key"]!.GetValue<string>();
    }
}
