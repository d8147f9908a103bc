using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Nexus.Services.Inference.Client;

/// <summary>
/// An <see cref="IChatClient"/> over the OpenAI SDK's <see cref="ChatClient"/>: messages, options, tools, usage and
/// finish reasons translated both ways, and streamed tool-call arguments assembled into <see cref="FunctionCallContent"/>.
/// Works against anything that speaks OpenAI's chat completions: the Nexus gateway, the inference service, Ollama,
/// vLLM, OpenAI.
/// </summary>
public sealed class OpenAIChatClientAdapter : IChatClient
{
    private readonly OpenAIClient _client;
    private readonly string _defaultModelId;
    private readonly ChatClientMetadata _metadata;
    private readonly ConcurrentDictionary<string, ChatClient> _chatClients = new(StringComparer.Ordinal);

    /// <summary>
    /// Chat with <paramref name="defaultModelId"/> through <paramref name="client"/> (its endpoint, key and retries);
    /// <see cref="ChatOptions.ModelId"/> picks another model per request.
    /// </summary>
    public OpenAIChatClientAdapter(OpenAIClient client, string defaultModelId)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultModelId);
        _client = client;
        _defaultModelId = defaultModelId;
        _metadata = new ChatClientMetadata("openai", defaultModelId: defaultModelId);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var completion = await ClientFor(options).CompleteChatAsync(OpenAIChatMessages.From(messages, options), OpenAIChatOptions.From(options, this), cancellationToken);
        return OpenAIChatResponses.From(completion.Value);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var pending = new StreamingAssembly();
        string? responseId = null;
        string? modelId = null;
        var updates = ClientFor(options).CompleteChatStreamingAsync(OpenAIChatMessages.From(messages, options), OpenAIChatOptions.From(options, this), cancellationToken);
        await foreach (var update in updates)
        {
            responseId ??= update.CompletionId;
            modelId ??= update.Model;
            pending.Add(update);
            var converted = OpenAIChatResponses.FromUpdate(update);

            // Tool calls arrive as fragments; they are handed out whole, with the update that ends the choice.
            if (update.FinishReason is not null) pending.DrainInto(converted.Contents);
            yield return converted;
        }

        // A server that ends the stream without a finish reason must not lose the calls assembled so far.
        if (pending.HasContent)
        {
            var last = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = responseId, MessageId = responseId, ModelId = modelId };
            pending.DrainInto(last.Contents);
            yield return last;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(OpenAIClient)) return _client;
        if (serviceType == typeof(ChatClient)) return ClientFor(null);
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the wrapped <see cref="OpenAIClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }

    /// <summary>The SDK binds a chat client to one model; one is made per model asked for, all sharing the client's pipeline.</summary>
    private ChatClient ClientFor(ChatOptions? options)
    {
        var model = string.IsNullOrWhiteSpace(options?.ModelId) ? _defaultModelId : options.ModelId;
        return _chatClients.GetOrAdd(model, _client.GetChatClient);
    }
}
