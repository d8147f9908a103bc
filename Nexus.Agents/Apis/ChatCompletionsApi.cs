using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;
using Nexus.Agents.Specs;
using Nexus.Contract;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Agents.Apis;

/// <summary>
/// OpenAI's <c>POST /v1/chat/completions</c> with <c>model: "agent:&lt;name&gt;"</c>, as the gateway routes it here.
/// A conversation continues with the <c>X-Nexus-Conversation</c> header (sent back on every answer): then only the last
/// user message is new, the rest is in the stored session. The user is OpenAI's <c>user</c> field (or
/// <c>X-Nexus-User</c>); the workspace is <c>X-Nexus-Workspace</c>, <c>default</c> when absent.
/// </summary>
internal static class ChatCompletionsApi
{
    public const string ConversationHeader = "X-Nexus-Conversation";
    public const string RunHeader = "X-Nexus-Run";
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    public static void MapChatCompletionsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/chat/completions", CompleteAsync)
            .WithOpenAIErrors()
            .WithSummary("Chats with an agent (model 'agent:<name>'), OpenAI-compatible, with SSE streaming.")
            .AsNexusFunction("chat", f => f.Produces("application/json", "text/event-stream").Streaming(StreamingModes.Sse).Result(UiWidgets.Chat));
    }

    private static async Task<IResult> CompleteAsync(HttpContext context, SpecCatalog catalog, AgentRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > MaxBodyBytes) return OpenAIErrors.Result(413, $"The request is larger than {MaxBodyBytes} bytes.");
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: cancellationToken) as JsonObject;
        }
        catch (JsonException ex)
        {
            return OpenAIErrors.BadRequest($"The body is not valid JSON: {ex.Message}");
        }

        if (body is null) return OpenAIErrors.BadRequest("The body must be a JSON object.");
        var model = Text(body["model"]);
        if (string.IsNullOrEmpty(model)) return OpenAIErrors.BadRequest("'model' is required.", "model");
        if (!model.StartsWith(AgentModelCatalog.Prefix, StringComparison.Ordinal) || catalog.Find(model[AgentModelCatalog.Prefix.Length..]) is not { } spec)
        {
            return OpenAIErrors.NotFound($"The model '{model}' does not exist here; agents are 'agent:<name>'.", "model");
        }

        if (ReadMessages(body["messages"], out var messages) is { } problem) return OpenAIErrors.BadRequest(problem, "messages");
        var conversation = context.Request.Headers[ConversationHeader].ToString() is { Length: > 0 } c ? c : null;
        var user = Text(body["user"]) ?? context.Request.Headers["X-Nexus-User"].ToString();
        var workspace = context.Request.Headers["X-Nexus-Workspace"].ToString() is { Length: > 0 } w ? w : "default";
        // A continued conversation has its history in the session: only what follows the last assistant turn is new.
        var input = conversation is null ? messages : [.. messages.Skip(messages.FindLastIndex(m => m.Role == ChatRole.Assistant) + 1)];
        if (input.Count == 0) return OpenAIErrors.BadRequest("There is no new user message.", "messages");

        AgentRun run;
        Task completion;
        try
        {
            (run, completion) = await runner.StartAsync(new RunRequest(spec.Name, new MemoryScope(CallerTenant.From(context).Id, user, workspace), input, conversation), cancellationToken);
        }
        catch (MissingScopeException ex)
        {
            return OpenAIErrors.BadRequest(ex.Message + " Send OpenAI's 'user' field (or X-Nexus-User).", "user");
        }
        catch (RunRequestException ex)
        {
            return OpenAIErrors.BadRequest(ex.Message);
        }

        context.Response.Headers[ConversationHeader] = run.ConversationId;
        context.Response.Headers[RunHeader] = run.Id;
        var id = "chatcmpl-" + run.Id;
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (body["stream"] is JsonValue s && s.TryGetValue<bool>(out var stream) && stream)
        {
            await StreamAsync(context, run, completion, spec, id, created, model, cancellationToken);
            return Results.Empty;
        }

        await completion.WaitAsync(cancellationToken);
        if (run.State == RunStates.Failed) return OpenAIErrors.Result(502, run.Reason ?? "The run failed.", code: "agent_run_failed");
        return TypedResults.Json(new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = Answer(run) },
                ["finish_reason"] = "stop",
            }),
        });
    }

    // The model's text is streamed as it arrives (each delta a chunk); with partners the answer is the reviewed draft, so it
    // comes once, at the end.
    private static async Task StreamAsync(HttpContext context, AgentRun run, Task completion, AgentSpec spec, string id, long created, string model, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var partners = spec.Adversary.Enabled || spec.Supplicant.Enabled;
        await WriteChunkAsync(context, Chunk(id, created, model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null), cancellationToken);
        var streamed = false;
        await foreach (var item in run.FollowAsync(cancellationToken))
        {
            if (partners || item.Type != "text" || item.Agent != spec.Name) continue;
            var text = item.Data.GetProperty("text").GetString();
            await WriteChunkAsync(context, Chunk(id, created, model, new JsonObject { ["content"] = text }, null), cancellationToken);
            streamed = true;
        }

        await completion.WaitAsync(cancellationToken);
        if (!streamed || run.State != RunStates.Completed)
        {
            await WriteChunkAsync(context, Chunk(id, created, model, new JsonObject { ["content"] = streamed ? "\n" + Answer(run) : Answer(run) }, null), cancellationToken);
        }

        await WriteChunkAsync(context, Chunk(id, created, model, new JsonObject(), "stop"), cancellationToken);
        await context.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
    }

    /// <summary>What the client reads: the output, or why there is none yet (waiting for approval, stopped).</summary>
    private static string Answer(AgentRun run) => run.State switch
    {
        RunStates.Completed => run.Output ?? "",
        RunStates.WaitingForApproval => $"[{run.Reason} Approval ids: {string.Join(", ", run.PendingApprovals)}. The run resumes once they are decided (POST /v1/agents/approvals/{{id}}).]",
        _ => $"[The run {run.State}: {run.Reason}]",
    };

    private static JsonObject Chunk(string id, long created, string model, JsonObject delta, string? finish) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };

    private static async Task WriteChunkAsync(HttpContext context, JsonObject chunk, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private static string? ReadMessages(JsonNode? node, out List<ChatMessage> messages)
    {
        messages = [];
        if (node is not JsonArray array || array.Count == 0) return "'messages' must be a non-empty array.";
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject message) return $"messages[{i}] must be an object.";
            var role = Text(message["role"]);
            var content = message["content"] switch
            {
                JsonValue v when v.TryGetValue<string>(out var text) => text,
                JsonArray parts => string.Concat(parts.OfType<JsonObject>().Where(p => Text(p["type"]) == "text").Select(p => Text(p["text"]))),
                null => "",
                _ => null,
            };
            if (content is null) return $"messages[{i}].content must be a string or an array of parts.";
            ChatRole? chatRole = role switch { "user" => ChatRole.User, "assistant" => ChatRole.Assistant, "system" or "developer" => ChatRole.System, "tool" => null, _ => null };
            if (role is not ("user" or "assistant" or "system" or "developer" or "tool")) return $"messages[{i}].role '{role}' is not a role.";
            // An agent brings its own instructions and tools: a client's system prompt is context, a tool message is not ours to replay.
            if (chatRole is { } r) messages.Add(new ChatMessage(r, content));
        }

        return messages.Any(m => m.Role == ChatRole.User) ? null : "'messages' must contain a user message.";
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
