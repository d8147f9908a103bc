using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>
/// A chat upstream that speaks OpenAI's protocol as a real one does: <c>GET /v1/models</c>, and
/// <c>POST /v1/chat/completions</c> streamed as <c>chat.completion.chunk</c> server-sent events ending in <c>[DONE]</c>.
/// It answers with fixed pieces of text and keeps every request it got.
/// </summary>
internal sealed class FakeChat : IAsyncDisposable
{
    public const string Model = "fake-chat";

    private readonly WebApplication _app;

    private FakeChat(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    /// <summary>What the model "says", piece by piece.</summary>
    public string[] Pieces { get; set; } = ["Bees ", "make honey ", "from nectar [1]."];

    /// <summary>Answer 503 instead, as a gateway does when no instance serves the model.</summary>
    public bool Unavailable { get; set; }

    public static async Task<FakeChat> StartAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeChat? fake = null;
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = Model, @object = "model", created = 0, owned_by = "test" } } }));
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))!;
            fake!.Requests.Enqueue(body);
            if (fake.Unavailable)
            {
                context.Response.StatusCode = 503;
                await context.Response.WriteAsJsonAsync(new { error = new { message = "No ready instance serves 'fake-chat'.", type = "service_unavailable", param = (string?)null, code = (string?)null } });
                return;
            }

            context.Response.ContentType = "text/event-stream";
            await WriteAsync(context, Chunk(new { role = "assistant", content = "" }, null));
            foreach (var piece in fake.Pieces) await WriteAsync(context, Chunk(new { content = piece }, null));
            await WriteAsync(context, Chunk(new { }, "stop"));
            await context.Response.WriteAsync("data: [DONE]\n\n");
        });
        var address = await TestWebHost.StartAsync(app);
        fake = new FakeChat(app, address);
        return fake;
    }

    private static string Chunk(object delta, string? finish) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = Model,
        choices = new[] { new { index = 0, delta, finish_reason = finish } },
    });

    private static async Task WriteAsync(HttpContext context, string data)
    {
        await context.Response.WriteAsync($"data: {data}\n\n");
        await context.Response.Body.FlushAsync();
    }

    public ValueTask DisposeAsync() => new(TestWebHost.StopAsync(_app));
}
