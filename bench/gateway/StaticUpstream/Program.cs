using System.Text;

// Answers every request with the same chat completion (JSON) or, for "stream": true, the same few SSE chunks,
// each flushed on its own as a model server sends tokens.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var completion = Encoding.UTF8.GetBytes(
    """{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the benchmark upstream."},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20}}""");
var chunks = new[] { "Hello", " from", " the", " benchmark." }
    .Select(text => Encoding.UTF8.GetBytes($$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}]}""" + "\n\n"))
    .ToArray();
var usage = Encoding.UTF8.GetBytes("""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16}}""" + "\n\n");
var done = "data: [DONE]\n\n"u8.ToArray();

// What the registry probes before it routes to an instance registered with it (the registry-routed cell).
app.MapGet("/health", () => "Healthy");

app.MapPost("/v1/chat/completions", async context =>
{
    // The request body is read in full, as a real server would.
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body);
    var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    if (!text.Contains("\"stream\":true", StringComparison.Ordinal))
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = completion.Length;
        await context.Response.Body.WriteAsync(completion);
        return;
    }

    context.Response.ContentType = "text/event-stream";
    foreach (var chunk in chunks)
    {
        await context.Response.Body.WriteAsync(chunk);
        await context.Response.Body.FlushAsync();
    }

    if (text.Contains("\"include_usage\":true", StringComparison.Ordinal)) await context.Response.Body.WriteAsync(usage);
    await context.Response.Body.WriteAsync(done);
});

app.Run();
