using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Nexus.Services.Inference.Tests;

/// <summary>
/// A server that speaks OpenAI's protocol (models, chat with SSE chunks and [DONE], tool calls, embeddings) and,
/// as Ollama does, <c>/api/show</c>; it records the last request body so tests see what was forwarded.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }
    public JsonObject? LastBody { get; private set; }
    public string? LastAuthorization { get; private set; }

    /// <summary>Released by the test to let a stream's second chunk go, proving the first arrived on its own.</summary>
    public TaskCompletionSource ReleaseSecondChunk { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeUpstream? self = null;

        app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = new[] { new { id = "llama3.2", @object = "model", created = 1, owned_by = "library" }, new { id = "nomic-embed-text", @object = "model", created = 1, owned_by = "library" } },
        }));
        app.MapPost("/api/show", () => Results.Json(new { model_info = new Dictionary<string, object> { ["general.architecture"] = "llama", ["llama.context_length"] = 131072 } }));
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            self!.LastBody = body;
            self.LastAuthorization = context.Request.Headers.Authorization;
            if (body["stream"]?.GetValue<bool>() == true)
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync(Chunk("Hel"));
                await context.Response.Body.FlushAsync();
                await self.ReleaseSecondChunk.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await context.Response.WriteAsync(Chunk("lo"));
                await context.Response.WriteAsync("data: [DONE]\n\n");
                return;
            }

            if (body["tools"] is not null)
            {
                await context.Response.WriteAsJsonAsync(new
                {
                    id = "chatcmpl-2", @object = "chat.completion", created = 1, model = "llama3.2",
                    choices = new[] { new { index = 0, finish_reason = "tool_calls", message = new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = "get_weather", arguments = "{\"city\":\"Oslo\"}" } } } } } },
                    usage = new { prompt_tokens = 9, completion_tokens = 5, total_tokens = 14 },
                });
                return;
            }

            await context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-1", @object = "chat.completion", created = 1, model = "llama3.2",
                choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = "Hello there." } } },
                usage = new { prompt_tokens = 5, completion_tokens = 3, total_tokens = 8 },
            });
        });
        app.MapPost("/v1/embeddings", () => Results.Json(new
        {
            @object = "list", model = "nomic-embed-text",
            data = new[] { new { @object = "embedding", index = 0, embedding = new[] { 0.25f, -0.5f, 1f } } },
            usage = new { prompt_tokens = 2, total_tokens = 2 },
        }));

        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeUpstream(app, url);
        return self;
    }

    private static string Chunk(string content) =>
        "data: " + new JsonObject
        {
            ["id"] = "chatcmpl-s", ["object"] = "chat.completion.chunk", ["created"] = 1, ["model"] = "llama3.2",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = content }, ["finish_reason"] = null }),
        }.ToJsonString() + "\n\n";

    public async ValueTask DisposeAsync()
    {
        ReleaseSecondChunk.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
