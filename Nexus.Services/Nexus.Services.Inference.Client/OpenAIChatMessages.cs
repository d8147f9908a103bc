using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;

namespace Nexus.Services.Inference.Client;

/// <summary>Microsoft.Extensions.AI messages as OpenAI chat messages.</summary>
internal static class OpenAIChatMessages
{
    private static readonly ChatRole Developer = new("developer");

    public static List<OpenAIChatMessage> From(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var result = new List<OpenAIChatMessage>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions)) result.Add(new SystemChatMessage(options.Instructions));
        foreach (var message in messages)
        {
            // OpenAI's "developer" role succeeds "system" for reasoning models, which still accept "system" in its place.
            if (message.Role == ChatRole.System || message.Role == Developer) result.Add(new SystemChatMessage(message.Text) { ParticipantName = message.AuthorName });
            else if (message.Role == ChatRole.User) result.Add(new UserChatMessage(UserParts(message)) { ParticipantName = message.AuthorName });
            else if (message.Role == ChatRole.Assistant && Assistant(message) is { } assistant) result.Add(assistant);
            else if (message.Role == ChatRole.Tool) result.AddRange(ToolResults(message));
            else if (message.Role != ChatRole.Assistant) throw new NotSupportedException($"The chat role '{message.Role}' has no OpenAI equivalent.");
        }

        return result;
    }

    private static List<ChatMessageContentPart> UserParts(ChatMessage message)
    {
        var parts = new List<ChatMessageContentPart>();
        foreach (var content in message.Contents)
        {
            parts.Add(content switch
            {
                TextContent text => ChatMessageContentPart.CreateTextPart(text.Text),
                DataContent data when data.HasTopLevelMediaType("image") => ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType),
                UriContent uri when uri.HasTopLevelMediaType("image") => ChatMessageContentPart.CreateImagePart(uri.Uri),
                // Dropping a part would change what the user said without telling anyone.
                _ => throw new NotSupportedException($"A user message's {content.GetType().Name} has no OpenAI chat equivalent; send text or images."),
            });
        }

        return parts;
    }

    /// <summary>Text and function calls; nothing else an assistant said (reasoning, usage) is sent back to OpenAI's chat API.</summary>
    private static AssistantChatMessage? Assistant(ChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(call => ChatToolCall.CreateFunctionToolCall(call.CallId, call.Name, BinaryData.FromString(JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions))))
            .ToList();
        var text = message.Text;
        if (calls.Count == 0 && string.IsNullOrEmpty(text)) return null;

        var assistant = calls.Count > 0 ? new AssistantChatMessage(calls) : new AssistantChatMessage(text);
        if (calls.Count > 0 && !string.IsNullOrEmpty(text)) assistant.Content.Add(ChatMessageContentPart.CreateTextPart(text));
        assistant.ParticipantName = message.AuthorName;
        return assistant;
    }

    private static IEnumerable<ToolChatMessage> ToolResults(ChatMessage message) =>
        message.Contents.OfType<FunctionResultContent>().Select(result => new ToolChatMessage(result.CallId, ResultText(result)));

    /// <summary>A tool result as the model reads it: text as is, anything else as JSON, a failure as its message.</summary>
    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null when result.Exception is { } exception => $"Error: {exception.Message}",
        null => string.Empty,
        string text => text,
        TextContent text => text.Text,
        // Functions from AIFunctionFactory return their value as JSON; a string reads better to the model unquoted.
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString() ?? string.Empty,
        JsonElement json => json.GetRawText(),
        var value => JsonSerializer.Serialize(value, value.GetType(), AIJsonUtilities.DefaultOptions),
    };
}
