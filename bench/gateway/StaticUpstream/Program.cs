using System.Text;

// Answers every request with the same chat completion (JSON) or, for "stream": true, the same few SSE chunks.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var completion = Encoding.UTF8.GetBytes(
    """{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the benchmark upstream."},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20}}""");

app.MapPost("/v1/chat/completions", async context =>
{
    // The request body is read in full, as a real server would.
    await context.Request.Body.CopyToAsync(Stream.Null);
    context.Response.ContentType = "application/json";
    context.Response.ContentLength = completion.Length;
    await context.Response.Body.WriteAsync(completion);
});

app.Run();
