using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Nexus.Agents.Tests;

/// <summary>
/// A deterministic model: each call answers with the next scripted step (a tool call, a text, or anything computed from
/// the messages it was sent), and records what it was sent. Running out of steps is a test failure, not a silent answer.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<Func<IReadOnlyList<ChatMessage>, ChatOptions?, ChatResponse>> _steps = new();
    private readonly Lock _gate = new();

    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    public int TokensPerCall { get; set; } = 100;

    public ScriptedChatClient Then(Func<IReadOnlyList<ChatMessage>, ChatOptions?, ChatResponse> step)
    {
        lock (_gate) _steps.Enqueue(step);
        return this;
    }

    public ScriptedChatClient ThenText(string text) => Then((_, _) => Text(text));

    public ScriptedChatClient ThenJson(object value) => Then((_, _) => Text(JsonSerializer.Serialize(value, JsonSerializerOptions.Web)));

    public ScriptedChatClient ThenCall(string tool, object? arguments = null) => Then((_, _) => Call(tool, arguments));

    public static ChatResponse Text(string text) => new(new ChatMessage(ChatRole.Assistant, text));

    public static ChatResponse Call(string tool, object? arguments = null)
    {
        var args = arguments is null ? new Dictionary<string, object?>() : JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_" + Guid.NewGuid().ToString("N")[..8], tool, args)]));
    }

    public int Remaining
    {
        get { lock (_gate) return _steps.Count; }
    }

    /// <summary>A step that never answers: the model call waits until the run is cancelled.</summary>
    public ScriptedChatClient ThenHang() => Then((_, _) => throw new HangException());

    private sealed class HangException : Exception;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await AnswerAsync(messages, options);
        }
        catch (HangException)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw;
        }
    }

    private Task<ChatResponse> AnswerAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        var sent = messages.ToList();
        Func<IReadOnlyList<ChatMessage>, ChatOptions?, ChatResponse> step;
        lock (_gate)
        {
            Calls.Add((sent, options));
            if (!_steps.TryDequeue(out step!)) throw new InvalidOperationException($"The scripted model has no step left for call {Calls.Count}.");
        }

        var response = step(sent, options);
        response.Usage ??= new UsageDetails { InputTokenCount = TokensPerCall / 2, OutputTokenCount = TokensPerCall - TokensPerCall / 2, TotalTokenCount = TokensPerCall };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
