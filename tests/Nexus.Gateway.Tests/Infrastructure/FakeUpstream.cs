using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>How a fake upstream instance behaves.</summary>
public enum UpstreamBehavior
{
    Normal,
    Fail503,
    Fail500,
    /// <summary>Streams two chunks, then drops the connection without <c>[DONE]</c>.</summary>
    CutStream,
    /// <summary>Waits a minute before answering.</summary>
    Slow,
}

/// <summary>
/// An OpenAI-compatible server on real Kestrel that speaks the protocol faithfully: chat (JSON and SSE, tool calls,
/// <c>stream_options.include_usage</c>), completions, embeddings, images, speech, transcriptions, and any other path
/// echoed back (for service functions). It records what it received.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private FakeUpstream(WebApplication app, Uri baseAddress, string name)
    {
        App = app;
        BaseAddress = baseAddress;
        Name = name;
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public string Name { get; }
    public UpstreamBehavior Behavior { get; set; }
    public int Requests => _requests;
    public ConcurrentQueue<JsonObject> Bodies { get; } = new();
    public ConcurrentQueue<string> Paths { get; } = new();
    public ConcurrentQueue<string?> Authorizations { get; } = new();
    public ConcurrentQueue<string?> Traceparents { get; } = new();
    public int PromptTokens { get; set; } = 10;
    public int CompletionTokens { get; set; } = 90;

    /// <summary>When set, a stream sends its first chunk and then waits for this before the rest.</summary>
    public TaskCompletionSource? StreamGate { get; set; }

    /// <summary>Completed when a streaming request's connection is aborted by the gateway.</summary>
    public TaskCompletionSource StreamAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _requests;

    public static async Task<FakeUpstream> StartAsync(string name = "upstream")
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeUpstream? self = null;
        app.Run(context => self!.HandleAsync(context));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeUpstream(app, new Uri(address + "/"), name);
        return self;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Path.Value ?? "/";
        Paths.Enqueue(path + context.Request.QueryString);
        Authorizations.Enqueue(context.Request.Headers.Authorization.FirstOrDefault());
        Traceparents.Enqueue(context.Request.Headers.TraceParent.Count > 1 ? "several" : context.Request.Headers.TraceParent.FirstOrDefault());
        switch (Behavior)
        {
            case UpstreamBehavior.Fail503:
                await Error(context, 503, "overloaded");
                return;
            case UpstreamBehavior.Fail500:
                await Error(context, 500, "broken");
                return;
            case UpstreamBehavior.Slow:
                await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
        }

        switch (path)
        {
            case "/v1/chat/completions":
            case "/v1/completions":
                await ChatAsync(context, path == "/v1/completions");
                return;
            case "/v1/embeddings":
                var embedBody = await ReadJsonAsync(context);
                await context.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(new JsonObject { ["object"] = "embedding", ["index"] = 0, ["embedding"] = new JsonArray(0.1, 0.2, 0.3) }),
                    ["model"] = embedBody["model"]?.GetValue<string>(),
                    ["usage"] = new JsonObject { ["prompt_tokens"] = PromptTokens, ["total_tokens"] = PromptTokens },
                });
                return;
            case "/v1/images/generations":
                await ReadJsonAsync(context);
                await context.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["created"] = 1700000000,
                    ["data"] = new JsonArray(new JsonObject { ["b64_json"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("PNG")) }),
                });
                return;
            case "/v1/audio/speech":
                await ReadJsonAsync(context);
                context.Response.ContentType = "audio/wav";
                await context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes("RIFF----WAVEfmt "));
                return;
            case "/v1/audio/transcriptions":
                var form = await context.Request.ReadFormAsync();
                await context.Response.WriteAsJsonAsync(new JsonObject { ["text"] = $"heard {form.Files.Count} file(s) with model {form["model"]}" });
                return;
            default:
                using (var reader = new StreamReader(context.Request.Body))
                {
                    var body = await reader.ReadToEndAsync();
                    await context.Response.WriteAsJsonAsync(new JsonObject { ["service"] = Name, ["path"] = path, ["query"] = context.Request.QueryString.Value, ["body"] = body });
                }

                return;
        }
    }

    private async Task ChatAsync(HttpContext context, bool legacy)
    {
        var body = await ReadJsonAsync(context);
        var model = body["model"]?.GetValue<string>() ?? "";
        var stream = body["stream"]?.GetValue<bool>() == true;
        var tools = body["tools"] is JsonArray { Count: > 0 };
        if (!stream)
        {
            JsonObject choice = legacy
                ? new() { ["index"] = 0, ["text"] = $"Hello from {Name}", ["finish_reason"] = "stop", ["logprobs"] = null }
                : new() { ["index"] = 0, ["message"] = Message(tools), ["finish_reason"] = tools ? "tool_calls" : "stop", ["logprobs"] = null };
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["id"] = "chatcmpl-1",
                ["object"] = legacy ? "text_completion" : "chat.completion",
                ["created"] = 1700000000,
                ["model"] = model,
                ["choices"] = new JsonArray(choice),
                ["usage"] = Usage(),
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var words = new[] { "Hello", " from", " " + Name };
        try
        {
            for (var i = 0; i < words.Length; i++)
            {
                JsonObject delta = legacy ? new() { ["text"] = words[i] } : new() { ["role"] = "assistant", ["content"] = words[i] };
                await SendAsync(context, Chunk(model, legacy, delta, null));
                if (i == 0 && StreamGate is { } gate) await gate.Task.WaitAsync(context.RequestAborted);
                if (i == 1 && Behavior == UpstreamBehavior.CutStream)
                {
                    // Give the chunks time to arrive: a reset makes the receiver drop data it has not read yet.
                    await Task.Delay(TimeSpan.FromMilliseconds(500));
                    context.Abort();
                    return;
                }
            }

            await SendAsync(context, Chunk(model, legacy, legacy ? new JsonObject { ["text"] = "" } : [], "stop"));
            if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            {
                await SendAsync(context, new JsonObject
                {
                    ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
                    ["choices"] = new JsonArray(), ["usage"] = Usage(),
                });
            }

            await context.Response.WriteAsync("data: [DONE]\n\n");
            await context.Response.Body.FlushAsync();
        }
        catch (OperationCanceledException)
        {
            StreamAborted.TrySetResult();
        }
        catch (IOException)
        {
            StreamAborted.TrySetResult();
        }
    }

    private JsonObject Usage() => new()
    {
        ["prompt_tokens"] = PromptTokens, ["completion_tokens"] = CompletionTokens, ["total_tokens"] = PromptTokens + CompletionTokens,
    };

    private JsonObject Message(bool tools) => tools
        ? new()
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "call_1", ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = "{\"city\":\"Paris\"}" },
            }),
        }
        : new() { ["role"] = "assistant", ["content"] = $"Hello from {Name}" };

    private static JsonObject Chunk(string model, bool legacy, JsonObject delta, string? finish)
    {
        var choice = legacy ? delta : new JsonObject { ["delta"] = delta };
        choice["index"] = 0;
        choice["finish_reason"] = finish;
        return new JsonObject
        {
            ["id"] = "chatcmpl-1", ["object"] = legacy ? "text_completion" : "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
            ["choices"] = new JsonArray(choice),
        };
    }

    private static async Task SendAsync(HttpContext context, JsonObject chunk)
    {
        await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private async Task<JsonObject> ReadJsonAsync(HttpContext context)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body) ?? [];
        Bodies.Enqueue(body);
        return body;
    }

    private static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "server_error", ["param"] = null, ["code"] = null },
        });
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
