using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Fuzz;

/// <summary>
/// An OpenAI-compatible upstream that answers every request as a healthy server would: what the gateway passes on
/// that is not JSON (or not a form) is the client's 400 in OpenAI's envelope, as api.openai.com answers it, and
/// everything else a well-formed answer. It never fails, so any 5xx in a fuzz run is the gateway's own.
/// </summary>
internal static class FuzzUpstream
{
    public static Task<ScriptedUpstream> StartAsync() => ScriptedUpstream.StartAsync(AnswerAsync);

    private static async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/v1/audio/transcriptions")
        {
            await TranscribeAsync(context);
            return;
        }

        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The gateway gave up on the request (its client went away): nothing to answer.
            return;
        }

        if (path is not ("/v1/chat/completions" or "/v1/completions" or "/v1/embeddings" or "/v1/images/generations" or "/v1/audio/speech"))
        {
            // Any other service function: echo what arrived.
            await context.Response.WriteAsJsonAsync(new JsonObject { ["path"] = path, ["method"] = context.Request.Method, ["bytes"] = buffer.Length });
            return;
        }

        if (Parse(buffer.ToArray()) is not var (model, stream))
        {
            await RefuseAsync(context, "We could not parse the JSON body of your request.");
            return;
        }

        switch (path)
        {
            case "/v1/chat/completions" or "/v1/completions" when stream:
                await StreamAsync(context, model, path == "/v1/completions");
                return;
            case "/v1/chat/completions" or "/v1/completions":
                await context.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["id"] = "chatcmpl-fuzz", ["object"] = path == "/v1/completions" ? "text_completion" : "chat.completion", ["created"] = 1700000000, ["model"] = model,
                    ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "ok" }, ["text"] = "ok", ["finish_reason"] = "stop" }),
                    ["usage"] = Usage(),
                });
                return;
            case "/v1/embeddings":
                await context.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["object"] = "list", ["model"] = model,
                    ["data"] = new JsonArray(new JsonObject { ["object"] = "embedding", ["index"] = 0, ["embedding"] = new JsonArray(0.1, 0.2, 0.3) }),
                    ["usage"] = new JsonObject { ["prompt_tokens"] = 3, ["total_tokens"] = 3 },
                });
                return;
            case "/v1/images/generations":
                await context.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["created"] = 1700000000,
                    ["data"] = new JsonArray(new JsonObject { ["b64_json"] = Convert.ToBase64String("PNG"u8) }),
                });
                return;
            default:
                context.Response.ContentType = "audio/wav";
                await context.Response.Body.WriteAsync("RIFF----WAVEfmt "u8.ToArray());
                return;
        }
    }

    private static async Task TranscribeAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            await RefuseAsync(context, "The request must be multipart/form-data.");
            return;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            await RefuseAsync(context, "The multipart body could not be read.");
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (form.Files.GetFile("file") is null)
        {
            await RefuseAsync(context, "'file' is required.");
            return;
        }

        await context.Response.WriteAsJsonAsync(new JsonObject { ["text"] = "heard" });
    }

    /// <summary>The model and streaming flag of a JSON object, or <c>null</c> for what is not one (duplicate keys included).</summary>
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

    private static async Task StreamAsync(HttpContext context, string model, bool legacy)
    {
        context.Response.ContentType = "text/event-stream";
        foreach (var word in new[] { "o", "k" })
        {
            JsonObject choice = legacy ? new() { ["index"] = 0, ["text"] = word } : new() { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = word } };
            var chunk = new JsonObject { ["id"] = "chatcmpl-fuzz", ["object"] = legacy ? "text_completion" : "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model, ["choices"] = new JsonArray(choice) };
            await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n", Encoding.UTF8);
        }

        var usage = new JsonObject { ["id"] = "chatcmpl-fuzz", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model, ["choices"] = new JsonArray(), ["usage"] = Usage() };
        await context.Response.WriteAsync($"data: {usage.ToJsonString()}\n\ndata: [DONE]\n\n", Encoding.UTF8);
    }

    private static JsonObject Usage() => new() { ["prompt_tokens"] = 3, ["completion_tokens"] = 2, ["total_tokens"] = 5 };

    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = null, ["code"] = null },
        });
    }
}
