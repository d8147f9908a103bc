using System.Text;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Nexus.Services.Inference.Client;

/// <summary>
/// Collects what OpenAI streams in fragments (a tool call's id and name in its first chunk, its arguments over many;
/// a refusal over many) until the choice ends, so the caller gets whole <see cref="FunctionCallContent"/>s.
/// </summary>
internal sealed class StreamingAssembly
{
    private readonly SortedDictionary<int, ToolCall> _calls = [];
    private StringBuilder? _refusal;

    public bool HasContent => _calls.Count > 0 || _refusal is not null;

    public void Add(StreamingChatCompletionUpdate update)
    {
        foreach (var fragment in update.ToolCallUpdates)
        {
            if (!_calls.TryGetValue(fragment.Index, out var call)) _calls[fragment.Index] = call = new ToolCall();
            if (!string.IsNullOrEmpty(fragment.ToolCallId)) call.Id ??= fragment.ToolCallId;
            if (!string.IsNullOrEmpty(fragment.FunctionName)) call.Name ??= fragment.FunctionName;
            if (fragment.FunctionArgumentsUpdate is { IsEmpty: false } arguments) call.Arguments.Append(arguments.ToString());
        }

        if (!string.IsNullOrEmpty(update.RefusalUpdate)) (_refusal ??= new StringBuilder()).Append(update.RefusalUpdate);
    }

    /// <summary>Moves what was assembled into <paramref name="contents"/> and starts over.</summary>
    public void DrainInto(IList<AIContent> contents)
    {
        if (_refusal is not null) contents.Add(new ErrorContent(_refusal.ToString()) { ErrorCode = OpenAIChatResponses.RefusalErrorCode });
        foreach (var (index, call) in _calls)
        {
            // Some OpenAI-compatible servers omit the id; the tool result must still name the call it answers.
            contents.Add(OpenAIChatResponses.FunctionCall(call.Id ?? $"call_{index}", call.Name ?? string.Empty, call.Arguments.ToString()));
        }

        _calls.Clear();
        _refusal = null;
    }

    private sealed class ToolCall
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public StringBuilder Arguments { get; } = new();
    }
}
