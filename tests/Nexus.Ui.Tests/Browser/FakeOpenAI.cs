using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>
/// An OpenAI-compatible chat upstream that streams its answer as server-sent events, one chunk every
/// <see cref="ChunkDelay"/>, flushed each time, with the usage chunk when asked (<c>stream_options.include_usage</c>).
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
        if (request["stream"]?.GetValue<bool>() != true)
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

    private static async Task WriteAsync(HttpContext context, object chunk)
    {
        await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n");
        await context.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);
}
