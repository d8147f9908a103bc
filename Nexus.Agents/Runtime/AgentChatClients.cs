using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Nexus.Agents.Runtime;

/// <summary>Where an agent's model and embedding calls go. The service's one is the gateway; tests script their own.</summary>
public interface IAgentChatClients
{
    IChatClient CreateChatClient(string model, string apiKey);

    IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddings(string model, string apiKey);
}

/// <summary>Every model call through the gateway's OpenAI-compatible API with the agent's own key.</summary>
internal sealed class GatewayChatClients(IOptions<AgentsOptions> options) : IAgentChatClients
{
    public IChatClient CreateChatClient(string model, string apiKey) =>
        Client(apiKey).GetChatClient(model).AsIChatClient();

    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddings(string model, string apiKey) =>
        Client(apiKey).GetEmbeddingClient(model).AsIEmbeddingGenerator();

    private OpenAIClient Client(string apiKey)
    {
        if (string.IsNullOrEmpty(options.Value.GatewayUrl)) throw new RunStoppedException("Agents:GatewayUrl is not configured: the agents have no gateway to call models through.");
        if (string.IsNullOrEmpty(apiKey)) throw new RunStoppedException("Agents:ApiKey is not configured: the agents have no gateway key.");
        return new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = new Uri(options.Value.GatewayUrl.TrimEnd('/') + "/v1") });
    }
}
