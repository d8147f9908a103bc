using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>
/// An OpenAI-compatible chat upstream that streams its answer as server-sent events, one chunk every
/// <see cref="ChunkDelay"/>, flushed each time, with the usage chunk when asked (<c>stream_options.include_usage</c>).
/// For agents it speaks the rest of the protocol: a structured answer to a <c>json_schema</c> response format (the
/// Adversary's verdict, the Supplicant's notes), and a tool call when the user's message says <c>[call:name]</c>.
/// </summary>
internal sealed class FakeOpenAI : IAsyncDisposable
{
    public static readonly string[] Words = ["Streaming", " from", " a", " fake", " upstream", ",", " token", " by", " token."];
    public static readonly TimeSpan ChunkDelay = TimeSpan.FromMilliseconds(250);
    private readonly WebApplication _app;

    private FakeOpenAI(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<FakeOpenAI> StartAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", ChatAsync);
        return new FakeOpenAI(app, (await TestWebHost.StartAsync(app)).ToString().TrimEnd('/'));
    }

    private static async Task ChatAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var model = request["model"]?.ToString() ?? "fake-chat";
        var streamed = request["stream"]?.GetValue<bool>() == true;
        if ((StructuredAnswer(request) ?? ToolCall(request)) is { } message)
        {
            var reason = message["tool_calls"] is null ? "stop" : "tool_calls";
            if (!streamed)
            {
                await context.Response.WriteAsJsonAsync(new { id = "chatcmpl-2", @object = "chat.completion", created = 0, model, choices = new[] { new { index = 0, message, finish_reason = reason } }, usage = new { prompt_tokens = 5, completion_tokens = 5, total_tokens = 10 } });
                return;
            }

            // Streamed (the agents run the primary streaming): the whole message as one delta, tool calls with their index.
            if (message["tool_calls"] is JsonArray calls)
            {
                for (var i = 0; i < calls.Count; i++) calls[i]!["index"] = i;
            }

            context.Response.ContentType = "text/event-stream";
            await WriteAsync(context, new { id = "chatcmpl-2", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = message, finish_reason = (string?)null } } });
            await WriteAsync(context, new { id = "chatcmpl-2", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = new JsonObject(), finish_reason = (string?)reason } } });
            await context.Response.WriteAsync("data: [DONE]\n\n");
            await context.Response.Body.FlushAsync();
            return;
        }

        if (!streamed)
        {
            await context.Response.WriteAsJsonAsync(new { id = "chatcmpl-1", @object = "chat.completion", created = 0, model, choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(Words) }, finish_reason = "stop" } }, usage = new { prompt_tokens = 5, completion_tokens = Words.Length, total_tokens = 5 + Words.Length } });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await WriteAsync(context, new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = new { role = "assistant", content = "" }, finish_reason = (string?)null } } });
        foreach (var word in Words)
        {
            await Task.Delay(ChunkDelay, context.RequestAborted);
            await WriteAsync(context, new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = new { content = word }, finish_reason = (string?)null } } });
        }

        await WriteAsync(context, new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } } });
        if (request["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            await WriteAsync(context, new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 0, model, choices = Array.Empty<object>(), usage = new { prompt_tokens = 5, completion_tokens = Words.Length, total_tokens = 5 + Words.Length } });
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
        await context.Response.Body.FlushAsync();
    }

    public const string Finding = "It does not say which services are ready.";
    public const string Note = "Would a shorter answer do?";

    // The Adversary's and the Supplicant's output types, recognised by their schemas' properties.
    private static JsonObject? StructuredAnswer(JsonObject request)
    {
        if (request["response_format"]?["type"]?.ToString() != "json_schema") return null;
        var schema = request["response_format"]!["json_schema"]?.ToJsonString() ?? "";
        var content = schema.Contains("findings", StringComparison.Ordinal)
            ? JsonSerializer.Serialize(new { verdict = "revise", findings = new[] { new { where = "the greeting", why = Finding } } })
            : schema.Contains("notes", StringComparison.Ordinal)
                ? JsonSerializer.Serialize(new { notes = new[] { new { kind = "question", text = Note } } })
                : null;
        return content is null ? null : new JsonObject { ["role"] = "assistant", ["content"] = content };
    }

    // "[call:platform__list_services]" in the last message, when it is the user's: the model calls that tool.
    private static JsonObject? ToolCall(JsonObject request)
    {
        if (request["tools"] is null || request["messages"]?.AsArray().LastOrDefault() is not JsonObject last || last["role"]?.ToString() != "user") return null;
        var text = last["content"]?.ToString() ?? "";
        var start = text.IndexOf("[call:", StringComparison.Ordinal);
        if (start < 0) return null;
        var name = text[(start + 6)..text.IndexOf(']', start)];
        return new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "call_1", ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = "{}" } }),
        };
    }

    private static async Task WriteAsync(HttpContext context, object chunk)
    {
        await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n");
        await context.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);
}
