using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Inference.Tests;

/// <summary>
/// A server that speaks OpenAI's protocol (models, chat with SSE chunks and [DONE], tool calls streamed or not, usage,
/// embeddings) and, as Ollama does, its native <c>/api/tags</c>, <c>/api/show</c> and <c>/api/pull</c> with NDJSON
/// progress, in the shapes Ollama answers. It lists its models with tags, as Ollama does, and records the last chat
/// and pull request so tests see what was sent.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    /// <summary>Pullable from the fake registry; pulling any other name fails as Ollama does for an unknown model.</summary>
    public const string PullableModel = "qwen3:0.6b";

    /// <summary>Pullable too, named without a tag: Ollama lists it as <c>tinyllama:latest</c>.</summary>
    public const string UntaggedModel = "tinyllama";

    /// <summary>Its download breaks after the first progress line.</summary>
    public const string FlakyModel = "flaky-model";

    /// <summary>Its download never finishes; the pull waits until the caller goes away.</summary>
    public const string EndlessModel = "endless-model";

    /// <summary>Well formed for the service, refused by Ollama's own name rules (400 <c>invalid model name</c>).</summary>
    public const string RefusedModel = "refused-model";

    /// <summary>Chats with it, and pulls of it, get no response headers until the caller gives up.</summary>
    public const string SilentModel = "silent-model";

    /// <summary>What a fresh Ollama lists after <c>ollama pull llama3.2</c> and <c>ollama pull nomic-embed-text</c>.</summary>
    public static readonly IReadOnlyList<string> OllamaModels = ["llama3.2:latest", "nomic-embed-text:latest"];

    private readonly WebApplication _app;
    private readonly List<string> _models;

    private FakeUpstream(WebApplication app, string url, IReadOnlyList<string> models)
    {
        _app = app;
        Url = url;
        _models = [.. models];
    }

    public string Url { get; }
    public JsonObject? LastBody { get; private set; }

    /// <summary>The last chat request body as it arrived, to prove it was not rewritten on the way.</summary>
    public string? LastRawBody { get; private set; }
    public string? LastAuthorization { get; private set; }

    /// <summary>The last body sent to Ollama's <c>/api/pull</c>.</summary>
    public JsonObject? LastPullBody { get; private set; }

    /// <summary>The Authorization header of the last call of Ollama's native API.</summary>
    public string? LastOllamaAuthorization { get; private set; }

    /// <summary>Released by the test to let a stream's second chunk go, proving the first arrived on its own.</summary>
    public TaskCompletionSource ReleaseSecondChunk { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when the connection of a pull in progress is closed by the other side.</summary>
    public TaskCompletionSource PullAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when the endless pull has written its first progress lines.</summary>
    public TaskCompletionSource EndlessPullStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Task<FakeUpstream> StartAsync() => StartAsync(OllamaModels);

    public static async Task<FakeUpstream> StartAsync(IReadOnlyList<string> models)
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeUpstream? self = null;

        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = self!.Models().Select(id => new { id, @object = "model", created = 1, owned_by = "library" }) }));
        app.MapGet("/api/tags", (HttpContext context) => self!.TagsAsync(context));
        app.MapPost("/api/show", (HttpContext context) => self!.ShowAsync(context));
        app.MapPost("/api/pull", (HttpContext context) => self!.PullAsync(context));
        app.MapPost("/v1/chat/completions", (HttpContext context) => self!.ChatAsync(context));
        app.MapPost("/v1/embeddings", () => Results.Json(new
        {
            @object = "list", model = "nomic-embed-text",
            data = new[] { new { @object = "embedding", index = 0, embedding = new[] { 0.25f, -0.5f, 1f } } },
            usage = new { prompt_tokens = 2, total_tokens = 2 },
        }));

        var url = await TestWebHost.StartAsync(app);
        self = new FakeUpstream(app, url.ToString().TrimEnd('/'), models);
        return self;
    }

    private string[] Models()
    {
        lock (_models) return [.. _models];
    }

    /// <summary>Ollama's <c>/api/tags</c>: the local models with their digests and details.</summary>
    private Task TagsAsync(HttpContext context)
    {
        LastOllamaAuthorization = context.Request.Headers.Authorization;
        return context.Response.WriteAsJsonAsync(new
        {
            models = Models().Select(name => new
            {
                name, model = name, modified_at = "2026-11-30T10:00:00.000000+01:00", size = 2019393189,
                digest = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                details = new { parent_model = "", format = "gguf", family = Family(name), families = new[] { Family(name) }, parameter_size = "3.2B", quantization_level = "Q4_K_M" },
            }),
        });
    }

    /// <summary>
    /// Ollama's <c>/api/show</c>: <c>model_info</c> keyed by architecture and the model's capabilities, as current
    /// Ollama releases report them; 404 for a model it does not have.
    /// </summary>
    private async Task ShowAsync(HttpContext context)
    {
        LastOllamaAuthorization = context.Request.Headers.Authorization;
        var name = (await JsonNode.ParseAsync(context.Request.Body))!["model"]!.GetValue<string>();
        if (!Models().Contains(name))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { error = $"model '{name}' not found" });
            return;
        }

        var embedding = name.Contains("embed", StringComparison.Ordinal);
        var family = Family(name);
        await context.Response.WriteAsJsonAsync(new
        {
            modelfile = $"FROM {name}", parameters = "stop \"<|eot_id|>\"", template = "{{ .Prompt }}",
            details = new { parent_model = "", format = "gguf", family, families = new[] { family }, parameter_size = "3.2B", quantization_level = "Q4_K_M" },
            model_info = new Dictionary<string, object> { ["general.architecture"] = family, ["general.parameter_count"] = 3212749888, [family + ".context_length"] = embedding ? 2048 : 131072 },
            capabilities = embedding ? new[] { "embedding" } : ["completion", "tools"],
            modified_at = "2026-11-30T10:00:00.000000+01:00",
        });
    }

    private static string Family(string name) => name.Contains("embed", StringComparison.Ordinal) ? "nomic-bert" : "llama";

    /// <summary>
    /// Ollama's <c>/api/pull</c>: 400 for a malformed name; otherwise 200 and NDJSON, where a name the registry lacks is
    /// an <c>error</c> line after <c>pulling manifest</c>, and success adds the model (tag <c>latest</c> by default).
    /// </summary>
    private async Task PullAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        LastPullBody = body;
        LastOllamaAuthorization = context.Request.Headers.Authorization;
        var name = (body["model"] ?? body["name"])?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace) || name == RefusedModel)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "invalid model name" });
            return;
        }

        if (name == SilentModel)
        {
            await SilenceAsync(context);
            return;
        }

        var tagged = name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";
        context.Response.ContentType = "application/x-ndjson";
        await LineAsync(context, new { status = "pulling manifest" });
        switch (tagged)
        {
            case PullableModel:
            case UntaggedModel + ":latest":
                await LineAsync(context, new { status = "pulling 7f4030143c1c", digest = "sha256:7f4030143c1c477224c5434f8272c662a8b042079a0a584f0a27a1684fe2e1fa", total = 522653767, completed = 0 });
                await LineAsync(context, new { status = "pulling 7f4030143c1c", digest = "sha256:7f4030143c1c477224c5434f8272c662a8b042079a0a584f0a27a1684fe2e1fa", total = 522653767, completed = 261326883 });
                await LineAsync(context, new { status = "pulling 7f4030143c1c", digest = "sha256:7f4030143c1c477224c5434f8272c662a8b042079a0a584f0a27a1684fe2e1fa", total = 522653767, completed = 522653767 });
                await LineAsync(context, new { status = "verifying sha256 digest" });
                await LineAsync(context, new { status = "writing manifest" });
                lock (_models) _models.Add(tagged);
                await LineAsync(context, new { status = "success" });
                return;
            case FlakyModel + ":latest":
                await LineAsync(context, new { status = "pulling 1a2b3c4d5e6f", digest = "sha256:1a2b3c4d5e6f", total = 1000, completed = 400 });
                await LineAsync(context, new { error = "max retries exceeded: unexpected EOF" });
                return;
            case EndlessModel + ":latest":
                // Registered before the next write: a caller that leaves at once aborts it, and that counts too.
                using (context.RequestAborted.Register(() => PullAborted.TrySetResult()))
                {
                    await LineAsync(context, new { status = "pulling 9e8d7c6b5a4f", digest = "sha256:9e8d7c6b5a4f", total = 1000, completed = 1 });
                    EndlessPullStarted.TrySetResult();
                    await SilenceAsync(context);
                }

                return;
            default:
                await LineAsync(context, new { error = "pull model manifest: file does not exist" });
                return;
        }
    }

    /// <summary>Writes nothing, so no headers go out, until the other side closes the connection.</summary>
    private static async Task SilenceAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up, as it should.
        }
    }

    private static async Task LineAsync(HttpContext context, object line)
    {
        await context.Response.WriteAsync(JsonSerializer.Serialize(line) + "\n");
        await context.Response.Body.FlushAsync();
    }

    /// <summary>
    /// OpenAI's chat: with tools, a call of <c>get_weather</c> unless the last message is the tool's result, which the
    /// answer then quotes; streamed as SSE chunks (tool arguments in pieces) with a usage chunk when asked for.
    /// </summary>
    private async Task ChatAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        LastRawBody = await reader.ReadToEndAsync();
        var body = JsonNode.Parse(LastRawBody)!.AsObject();
        LastBody = body;
        LastAuthorization = context.Request.Headers.Authorization;
        if (body["model"]?.GetValue<string>() == SilentModel)
        {
            await SilenceAsync(context);
            return;
        }

        var lastMessage = body["messages"]!.AsArray().LastOrDefault()?.AsObject();
        var toolResult = lastMessage?["role"]?.GetValue<string>() == "tool" ? lastMessage["content"]?.GetValue<string>() : null;
        var callTool = body["tools"] is not null && toolResult is null;
        var stream = body["stream"]?.GetValue<bool>() == true;
        var usage = new { prompt_tokens = 5, completion_tokens = 3, total_tokens = 8 };

        if (stream)
        {
            context.Response.ContentType = "text/event-stream";
            if (callTool)
            {
                await EventAsync(context, Chunk(new JsonObject { ["role"] = "assistant", ["tool_calls"] = ToolCallDelta(id: "call_1", name: "get_weather", arguments: "") }));
                await EventAsync(context, Chunk(new JsonObject { ["tool_calls"] = ToolCallDelta(id: null, name: null, arguments: "{\"city\":") }));
                await EventAsync(context, Chunk(new JsonObject { ["tool_calls"] = ToolCallDelta(id: null, name: null, arguments: "\"Oslo\"}") }));
                await EventAsync(context, Chunk(new JsonObject(), "tool_calls"));
            }
            else
            {
                await EventAsync(context, Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "Hel" }));
                await ReleaseSecondChunk.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await EventAsync(context, Chunk(new JsonObject { ["content"] = "lo" }));
                await EventAsync(context, Chunk(new JsonObject(), "stop"));
            }

            if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            {
                await EventAsync(context, new JsonObject { ["id"] = "chatcmpl-s", ["object"] = "chat.completion.chunk", ["created"] = 1, ["model"] = "llama3.2", ["choices"] = new JsonArray(), ["usage"] = JsonSerializer.SerializeToNode(usage) });
            }

            await context.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        if (callTool)
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
            id = "chatcmpl-1", @object = "chat.completion", created = 1, model = body["model"]?.GetValue<string>() ?? "llama3.2",
            choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = toolResult is null ? "Hello there." : $"In Oslo it is {toolResult}." } } },
            usage,
        });
    }

    private static JsonArray ToolCallDelta(string? id, string? name, string arguments)
    {
        var call = new JsonObject { ["index"] = 0 };
        if (id is not null)
        {
            call["id"] = id;
            call["type"] = "function";
        }

        var function = new JsonObject { ["arguments"] = arguments };
        if (name is not null) function["name"] = name;
        call["function"] = function;
        return [call];
    }

    private static JsonObject Chunk(JsonObject delta, string? finishReason = null) => new()
    {
        ["id"] = "chatcmpl-s", ["object"] = "chat.completion.chunk", ["created"] = 1, ["model"] = "llama3.2",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    };

    private static async Task EventAsync(HttpContext context, JsonObject data)
    {
        await context.Response.WriteAsync("data: " + data.ToJsonString() + "\n\n");
        await context.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseSecondChunk.TrySetResult();
        await TestWebHost.StopAsync(_app);
    }
}
