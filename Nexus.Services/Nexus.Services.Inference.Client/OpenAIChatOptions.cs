using Microsoft.Extensions.AI;
using OpenAI.Chat;
using OpenAIResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace Nexus.Services.Inference.Client;

/// <summary><see cref="ChatOptions"/> as the OpenAI SDK's <see cref="ChatCompletionOptions"/>.</summary>
internal static class OpenAIChatOptions
{
    public static ChatCompletionOptions From(ChatOptions? options, IChatClient client)
    {
        // A caller who needs an SDK setting the abstraction lacks supplies the SDK's options; ours fill only what it left unset.
        var result = options?.RawRepresentationFactory?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
        if (options is null) return result;

        result.Temperature ??= options.Temperature;
        result.TopP ??= options.TopP;
        result.MaxOutputTokenCount ??= options.MaxOutputTokens;
        result.FrequencyPenalty ??= options.FrequencyPenalty;
        result.PresencePenalty ??= options.PresencePenalty;
        foreach (var stop in options.StopSequences ?? []) result.StopSequences.Add(stop);
        foreach (var tool in options.Tools ?? []) result.Tools.Add(Tool(tool));
        if (result.Tools.Count > 0)
        {
            result.ToolChoice ??= ToolChoice(options.ToolMode);
            result.AllowParallelToolCalls ??= options.AllowMultipleToolCalls;
        }

        result.ResponseFormat ??= ResponseFormat(options.ResponseFormat);
        return result;
    }

    private static ChatTool Tool(AITool tool) => tool switch
    {
        AIFunctionDeclaration function => ChatTool.CreateFunctionTool(
            function.Name,
            string.IsNullOrEmpty(function.Description) ? null : function.Description,
            BinaryData.FromString(function.JsonSchema.GetRawText())),
        _ => throw new NotSupportedException($"The tool '{tool.Name}' ({tool.GetType().Name}) is not a function; OpenAI's chat completions take only function tools."),
    };

    private static ChatToolChoice? ToolChoice(ChatToolMode? mode) => mode switch
    {
        null => null,
        NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
        AutoChatToolMode => ChatToolChoice.CreateAutoChoice(),
        RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
        RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
        _ => null,
    };

    private static OpenAIResponseFormat? ResponseFormat(Microsoft.Extensions.AI.ChatResponseFormat? format) => format switch
    {
        null => null,
        ChatResponseFormatText => OpenAIResponseFormat.CreateTextFormat(),
        ChatResponseFormatJson { Schema: { } schema } json => OpenAIResponseFormat.CreateJsonSchemaFormat(
            json.SchemaName ?? "response",
            BinaryData.FromString(schema.GetRawText()),
            json.SchemaDescription),
        ChatResponseFormatJson => OpenAIResponseFormat.CreateJsonObjectFormat(),
        _ => null,
    };
}
