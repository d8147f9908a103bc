using Microsoft.Extensions.AI;
using OpenAI;

namespace Nexus.Services.Inference.Client;

/// <summary>Turns the OpenAI SDK's client into an <see cref="IChatClient"/>.</summary>
public static class OpenAIChatClientExtensions
{
    /// <summary>An <see cref="IChatClient"/> that chats with <paramref name="defaultModelId"/> through <paramref name="client"/> (see <see cref="OpenAIChatClientAdapter"/>).</summary>
    public static IChatClient AsNexusChatClient(this OpenAIClient client, string defaultModelId) => new OpenAIChatClientAdapter(client, defaultModelId);
}
