using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIFinishReason = OpenAI.Chat.ChatFinishReason;

namespace Nexus.Services.Inference.Client;

/// <summary>OpenAI's completions and streamed chunks as Microsoft.Extensions.AI responses and updates.</summary>
internal static class OpenAIChatResponses
{
    public const string RefusalErrorCode = "refusal";

    public static ChatResponse From(ChatCompletion completion)
    {
        var contents = new List<AIContent>();
        foreach (var part in completion.Content)
        {
            if (part.Kind == ChatMessageContentPartKind.Text) contents.Add(new TextContent(part.Text) { RawRepresentation = part });
        }

        if (!string.IsNullOrEmpty(completion.Refusal)) contents.Add(new ErrorContent(completion.Refusal) { ErrorCode = RefusalErrorCode });
        foreach (var call in completion.ToolCalls)
        {
            contents.Add(FunctionCall(call.Id, call.FunctionName, call.FunctionArguments.ToString()));
        }

        var message = new ChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id, CreatedAt = completion.CreatedAt, RawRepresentation = completion };
        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = FinishReason(completion.FinishReason),
            Usage = Usage(completion.Usage),
            RawRepresentation = completion,
        };
    }

    /// <summary>One chunk's text and usage; its tool-call fragments are assembled by <see cref="StreamingAssembly"/>.</summary>
    public static ChatResponseUpdate FromUpdate(StreamingChatCompletionUpdate update)
    {
        var converted = new ChatResponseUpdate
        {
            ResponseId = update.CompletionId,
            MessageId = update.CompletionId,
            ModelId = update.Model,
            CreatedAt = update.CreatedAt,
            // Every chunk of a completion is the assistant's; the role comes only on the first.
            Role = update.Role is null ? null : ChatRole.Assistant,
            FinishReason = update.FinishReason is { } reason ? FinishReason(reason) : null,
            RawRepresentation = update,
        };

        foreach (var part in update.ContentUpdate)
        {
            if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text)) converted.Contents.Add(new TextContent(part.Text) { RawRepresentation = part });
        }

        if (Usage(update.Usage) is { } usage) converted.Contents.Add(new UsageContent(usage));
        return converted;
    }

    /// <summary>Unparseable arguments do not throw here: they reach the caller as <see cref="FunctionCallContent.Exception"/>.</summary>
    public static FunctionCallContent FunctionCall(string callId, string name, string arguments) =>
        FunctionCallContent.CreateFromParsedArguments(
            arguments,
            callId,
            name,
            static json => string.IsNullOrWhiteSpace(json) ? new Dictionary<string, object?>() : JsonSerializer.Deserialize<Dictionary<string, object?>>(json, AIJsonUtilities.DefaultOptions));

    public static ChatFinishReason FinishReason(OpenAIFinishReason reason) => reason switch
    {
        OpenAIFinishReason.Stop => ChatFinishReason.Stop,
        OpenAIFinishReason.Length => ChatFinishReason.Length,
        OpenAIFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
        OpenAIFinishReason.ToolCalls or OpenAIFinishReason.FunctionCall => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(reason.ToString().ToLowerInvariant()),
    };

    public static UsageDetails? Usage(ChatTokenUsage? usage) => usage is null
        ? null
        : new UsageDetails
        {
            InputTokenCount = usage.InputTokenCount,
            OutputTokenCount = usage.OutputTokenCount,
            TotalTokenCount = usage.TotalTokenCount,
            CachedInputTokenCount = usage.InputTokenDetails?.CachedTokenCount,
            ReasoningTokenCount = usage.OutputTokenDetails?.ReasoningTokenCount,
        };
}
