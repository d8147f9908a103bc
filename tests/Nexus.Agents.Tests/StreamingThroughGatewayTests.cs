using System.ClientModel;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Nexus.Agents.Runtime;
using Nexus.Agents.Tools;
using Nexus.Testing;
using OpenAI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Nexus.Agents.Tests;

/// <summary>
/// Through the real gateway, as the AppHost composes it: the agents call with the tenant key the gateway bootstraps (which
/// also reads the registry), a client's chat with <c>agent:&lt;name&gt;</c> streams the model's text as it is written, and
/// the run is the client's tenant's.
/// </summary>
public sealed class StreamingThroughGatewayTests
{
    private const string AgentsKey = "nx-agents-bootstrap-streaming-test-0123456789abcdef";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AgentChat_StreamedWithTheOpenAISdk_SeveralChunksArriveBeforeTheModelEnds()
    {
        var gateway = await ThroughGatewayTests.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Nexus:Gateway:BootstrapKeys:agents:Key"] = AgentsKey,
            ["Nexus:Gateway:BootstrapKeys:agents:ReadRegistry"] = "true",
        });
        try
        {
            var gatewayUrl = TestWebHost.BaseAddress(gateway).ToString().TrimEnd('/');
            using var admin = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", ThroughGatewayTests.AdminKey);
            var clientKey = await ThroughGatewayTests.CreateTenantKeyAsync(admin);
            var model = new GatedStreamingClient(["Hello", " from", " the"], " stream.");
            await using var agents = await AgentsHost.StartAsync(new StreamingClients(model), new Dictionary<string, string> { ["teller"] = Specs.Agent("teller") },
                settings: new Dictionary<string, string?>
                {
                    ["Nexus:Registry:Enabled"] = "true",
                    ["Nexus:Registry:Url"] = gatewayUrl,
                    ["Nexus:Registry:Token"] = ThroughGatewayTests.RegistrationToken,
                    ["Agents:GatewayUrl"] = gatewayUrl,
                    ["Agents:ApiKey"] = AgentsKey,
                    ["Agents:RegistryKey"] = null,
                });
            // The tool bus reads the registry with the bootstrapped tenant key, no admin key.
            await Eventually.TrueAsync(() => agents.Get<RegistryMirror>().Instances.Any(i => i.Service == "agents" && i.State == "ready"), "the tool bus to read the registry", Timeout);
            agents.Get<RegistryMirror>().Problem.ShouldBeNull();

            var chat = new OpenAIClient(new ApiKeyCredential(clientKey), new OpenAIClientOptions { Endpoint = new Uri(gatewayUrl + "/v1") }).GetChatClient("agent:teller");
            var chunks = new List<string>();
            using var cancel = new CancellationTokenSource(Timeout);
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me.")], new ChatCompletionOptions { EndUserId = "ada" }, cancel.Token))
            {
                chunks.AddRange(update.ContentUpdate.Select(p => p.Text).Where(t => t.Length > 0));
                // The model holds its last words until three chunks reached the client: they came while it was still writing.
                if (chunks.Count == 3) model.Release();
            }

            chunks.ShouldBe(["Hello", " from", " the", " stream."]);
            model.ReleasedAfterChunks.ShouldBeTrue();

            // The run is the calling tenant's (the gateway's X-Nexus-Tenant), listed through the gateway with the caller's key.
            using var client = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            client.DefaultRequestHeaders.Authorization = new("Bearer", clientKey);
            var runs = (await client.GetFromJsonAsync<JsonObject>("v1/services/agents/v1/agents/runs"))!;
            var run = runs["runs"]!.AsArray().Single()!;
            run["output"]!.GetValue<string>().ShouldBe("Hello from the stream.");
            var events = await client.GetStringAsync($"v1/services/agents/v1/agents/runs/{run["id"]}/events");
            events.Split("event: text").Length.ShouldBe(5); // four text deltas in the run's own event stream
            using var agentsTenant = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            agentsTenant.DefaultRequestHeaders.Authorization = new("Bearer", AgentsKey);
            (await agentsTenant.GetFromJsonAsync<JsonObject>("v1/services/agents/v1/agents/runs"))!["total"]!.GetValue<int>().ShouldBe(0);
        }
        finally
        {
            await TestWebHost.StopAsync(gateway);
        }
    }

    private sealed class StreamingClients(IChatClient chat) : IAgentChatClients
    {
        public IChatClient CreateChatClient(string model, string apiKey) => chat;

        public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddings(string model, string apiKey) =>
            throw new InvalidOperationException("This test has no embedding generator.");
    }

    /// <summary>A model that streams its first chunks, then waits for the test before its last one.</summary>
    private sealed class GatedStreamingClient(IReadOnlyList<string> first, string last) : IChatClient
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool ReleasedAfterChunks { get; private set; }

        public void Release()
        {
            ReleasedAfterChunks = true;
            _release.TrySetResult();
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var text in first) yield return new ChatResponseUpdate(ChatRole.Assistant, text) { MessageId = "m1" };
            await _release.Task.WaitAsync(cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, last) { MessageId = "m1" };
            yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 5, OutputTokenCount = 4, TotalTokenCount = 9 })] };
        }

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
