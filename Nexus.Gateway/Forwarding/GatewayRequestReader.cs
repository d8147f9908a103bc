using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Nexus.Gateway.Usage.Tokens;

namespace Nexus.Gateway.Forwarding;

/// <summary>Why a request body was refused.</summary>
internal sealed record RequestProblem(int Status, string Message, string? Param, string? Code);

/// <summary>
/// Reads a request body (bounded by the server's size limit) and learns the model, streaming flag and token reservation.
/// Bodies are small compared with answers, and holding them lets a failed attempt be retried on another instance.
/// </summary>
internal sealed class GatewayRequestReader(IOptionsMonitor<GatewayOptions> options)
{
    // A ValueTask: the body of a small request has usually arrived with its headers, and then no task is allocated for it.
    public async ValueTask<(GatewayRequest? Request, RequestProblem? Problem)> ReadAsync(HttpRequest http, GatewayEndpoint endpoint, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await ReadBodyAsync(http, cancellationToken);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, new RequestProblem(413, "The request body is too large.", null, "request_too_large"));
        }
        catch (BadHttpRequestException exception)
        {
            return (null, new RequestProblem(exception.StatusCode, "The request body could not be read: " + exception.Message, null, null));
        }
        catch (EndOfStreamException)
        {
            return (null, new RequestProblem(400, "The request body is shorter than its Content-Length.", null, null));
        }

        return endpoint.Body switch
        {
            BodyKind.Json => ReadJson(body, endpoint),
            BodyKind.Multipart => await ReadMultipartAsync(body, http.ContentType, cancellationToken),
            _ => (new GatewayRequest(body, null, false, false, body.Length / 4, 0), null),
        };
    }

    // With a Content-Length (what SDKs send), the body is read straight into an array of its size: one copy, no growth.
    private static async ValueTask<byte[]> ReadBodyAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        // Only within the server's body limit: a forged Content-Length must not make the gateway allocate gigabytes.
        var limit = http.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
        if (http.ContentLength is { } length && length <= limit)
        {
            var body = new byte[length];
            await http.Body.ReadExactlyAsync(body, cancellationToken);
            return body;
        }

        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private (GatewayRequest?, RequestProblem?) ReadJson(byte[] body, GatewayEndpoint endpoint)
    {
        var scan = new JsonRequestScan();
        try
        {
            if (!scan.Read(body)) return (null, new RequestProblem(400, "The request body must be a JSON object.", null, "invalid_json"));
        }
        catch (JsonException exception)
        {
            return (null, new RequestProblem(400, "The request body is not valid JSON: " + exception.Message, null, "invalid_json"));
        }

        if (scan.Duplicate is { } duplicate) return (null, new RequestProblem(400, $"'{duplicate}' appears more than once.", duplicate, "duplicate_field"));
        if (scan.ModelIsNotText) return (null, new RequestProblem(400, "'model' must be text: it holds invalid UTF-8 or a lone surrogate.", "model", "invalid_model"));
        if (!scan.ModelIsString || string.IsNullOrWhiteSpace(scan.Model))
        {
            return (null, new RequestProblem(400, "'model' is required and must be a string.", "model", "missing_model"));
        }

        if (scan.Stream is not (JsonTokenType.None or JsonTokenType.True or JsonTokenType.False))
        {
            return (null, new RequestProblem(400, "'stream' must be a boolean.", "stream", "invalid_type"));
        }

        var stream = scan.Stream == JsonTokenType.True && endpoint.CanStream;
        long maxTokens = 0;
        if (endpoint.CountsCompletionTokens)
        {
            var settings = options.CurrentValue;
            if (scan.MaxTokens == JsonTokenType.None) maxTokens = settings.DefaultMaxTokens;
            else if (!scan.MaxTokensValid) return (null, new RequestProblem(400, "'max_tokens' must be a non-negative integer.", "max_tokens", "invalid_type"));
            else if (scan.MaxTokensValue > settings.MaxCompletionTokens)
            {
                return (null, new RequestProblem(400, $"'max_tokens' must be at most {settings.MaxCompletionTokens}.", "max_tokens", "invalid_value"));
            }
            else maxTokens = scan.MaxTokensValue;
        }

        // Exact for OpenAI-family models, else about four bytes a token; the reservation is corrected with the upstream's real count.
        var promptTokens = options.CurrentValue.ExactPromptTokens ? PromptTokens.Count(scan.Model, endpoint, body) : PromptTokens.Estimate(body.Length);
        if (stream && !scan.IncludeUsage && endpoint.CountsCompletionTokens) body = AskForUsage(body);
        return (new GatewayRequest(body, scan.Model, stream, scan.IncludeUsage, promptTokens, maxTokens), null);
    }

    /// <summary>
    /// Exact usage for streams: asks the upstream for it (<c>stream_options.include_usage</c>); the usage chunk is
    /// stripped before the client sees it. The only case where the body is rewritten.
    /// </summary>
    private static byte[] AskForUsage(byte[] body)
    {
        var json = (JsonObject)JsonNode.Parse(body)!;
        var streamOptions = json["stream_options"] as JsonObject ?? [];
        streamOptions["include_usage"] = true;
        json["stream_options"] = streamOptions;
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    private static async Task<(GatewayRequest?, RequestProblem?)> ReadMultipartAsync(byte[] body, string? contentType, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
        {
            return (null, new RequestProblem(400, "The request must be multipart/form-data with a boundary.", null, "invalid_content_type"));
        }

        string? model = null;
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            var reader = new MultipartReader(boundary, stream);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && HeaderUtilities.RemoveQuotes(disposition.Name).Value == "model")
                {
                    using var text = new StreamReader(section.Body);
                    model = (await text.ReadToEndAsync(cancellationToken)).Trim();
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            // The reader's limits (too much data before the first boundary, a part header over 16 KiB) are InvalidDataException.
            return (null, new RequestProblem(400, "The multipart body is malformed: " + exception.Message, null, "invalid_multipart"));
        }

        return string.IsNullOrEmpty(model)
            ? (null, new RequestProblem(400, "The form field 'model' is required.", "model", "missing_model"))
            : (new GatewayRequest(body, model, false, false, 0, 0), null);
    }
}
