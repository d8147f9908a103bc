using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Inference.Tests.Fuzz;

/// <summary>
/// An Ollama upstream (its native catalog and pull, its OpenAI-compatible chat, completions and embeddings) that
/// answers every request as a healthy server would: a body that is not a JSON object is the client's 400 in OpenAI's
/// envelope, anything else a well-formed answer. It never fails, so a 5xx in a fuzz run is the service's own.
/// </summary>
internal sealed class FuzzUpstream : IAsyncDisposable
{
    public const string Model = "fuzz-model:latest";

    private readonly WebApplication _app;

    private FuzzUpstream(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<FuzzUpstream> StartAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/api/tags", () => Results.Json(new
        {
            models = new[] { new { name = Model, model = Model, modified_at = "2026-11-30T10:00:00Z", size = 1000, digest = "a80c4f17", details = new { format = "gguf", family = "llama", parameter_size = "1B", quantization_level = "Q4_K_M" } } },
        }));
        app.MapPost("/api/show", () => Results.Json(new
        {
            details = new { format = "gguf", family = "llama" },
            model_info = new Dictionary<string, object> { ["general.architecture"] = "llama", ["llama.context_length"] = 4096 },
            capabilities = new[] { "completion", "embedding" },
        }));
        app.MapPost("/api/pull", PullAsync);
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = Model, @object = "model", created = 1, owned_by = "library" } } }));
        app.MapPost("/v1/chat/completions", (HttpContext context) => AnswerAsync(context, "chat.completion"));
        app.MapPost("/v1/completions", (HttpContext context) => AnswerAsync(context, "text_completion"));
        app.MapPost("/v1/embeddings", (HttpContext context) => AnswerAsync(context, "embedding"));
        return new FuzzUpstream(app, (await TestWebHost.StartAsync(app)).ToString().TrimEnd('/'));
    }

    /// <summary>Ollama's pull of a model it has: progress lines, then success.</summary>
    private static async Task PullAsync(HttpContext context)
    {
        context.Response.ContentType = "application/x-ndjson";
        await context.Response.WriteAsync("{\"status\":\"pulling manifest\"}\n{\"status\":\"success\"}\n");
    }

    private static async Task AnswerAsync(HttpContext context, string kind)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (Parse(buffer.ToArray()) is not var (model, stream))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "We could not parse the JSON body of your request.", type = "invalid_request_error", param = (string?)null, code = (string?)null } });
            return;
        }

        var usage = new { prompt_tokens = 3, completion_tokens = 2, total_tokens = 5 };
        if (kind == "embedding")
        {
            await context.Response.WriteAsJsonAsync(new { @object = "list", model, data = new[] { new { @object = "embedding", index = 0, embedding = new[] { 0.25f, -0.5f } } }, usage = new { prompt_tokens = 3, total_tokens = 3 } });
            return;
        }

        if (stream)
        {
            context.Response.ContentType = "text/event-stream";
            var chunk = new { id = "c", @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = new { content = "ok" }, text = "ok" } } };
            await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\ndata: [DONE]\n\n");
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            id = "c", @object = kind, created = 1, model,
            choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = "ok" }, text = "ok" } },
            usage,
        });
    }

    /// <summary>The model and streaming flag of a JSON object, or <c>null</c> for what is not one (duplicate keys and invalid UTF-8 included).</summary>
    private static (string Model, bool Stream)? Parse(byte[] body)
    {
        try
        {
            if (JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is not JsonObject request) return null;
            var model = request["model"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : "unknown";
            return (model, request["stream"] is JsonValue flag && flag.TryGetValue<bool>(out var on) && on);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: invalid UTF-8 met while decoding a name or value.
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);
}
