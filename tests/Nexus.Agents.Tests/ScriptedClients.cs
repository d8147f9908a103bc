using Microsoft.Extensions.AI;
using Nexus.Agents.Runtime;

namespace Nexus.Agents.Tests;

/// <summary>Every agent of a test host talks to one script; embeddings, when a test needs them, come from a real generator.</summary>
internal sealed class ScriptedClients(ScriptedChatClient chat, IEmbeddingGenerator<string, Embedding<float>>? embeddings = null) : IAgentChatClients
{
    public List<(string Model, string Key)> Created { get; } = [];

    public IChatClient CreateChatClient(string model, string apiKey)
    {
        lock (Created) Created.Add((model, apiKey));
        return chat;
    }

    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddings(string model, string apiKey) =>
        embeddings ?? throw new InvalidOperationException("This test has no embedding generator.");
}
