using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Nexus.Gateway.Forwarding;

/// <summary>Why a request body was refused.</summary>
internal sealed record RequestProblem(int Status, string Message, string? Param, string? Code);

/// <summary>
/// Reads a request body (bounded by the server's size limit) and learns the model, streaming flag and token reservation.
/// Bodies are small compared with answers, and holding them lets a failed attempt be retried on another instance.
/// </summary>
internal sealed class GatewayRequestReader(IOptionsMonitor<GatewayOptions> options)
{
    public async Task<(GatewayRequest? Request, RequestProblem? Problem)> ReadAsync(HttpRequest http, GatewayEndpoint endpoint, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await http.Body.CopyToAsync(buffer, cancellationToken);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, new RequestProblem(413, "The request body is too large.", null, "request_too_large"));
        }
        catch (BadHttpRequestException exception)
        {
            return (null, new RequestProblem(exception.StatusCode, "The request body could not be read: " + exception.Message, null, null));
        }

        return endpoint.Body switch
        {
            BodyKind.Json => ReadJson(body, endpoint),
            BodyKind.Multipart => await ReadMultipartAsync(body, http.ContentType, cancellationToken),
            _ => (new GatewayRequest(body, null, false, false, body.Length / 4, 0), null),
        };
    }

    private (GatewayRequest?, RequestProblem?) ReadJson(byte[] body, GatewayEndpoint endpoint)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException exception)
        {
            return (null, new RequestProblem(400, "The request body is not valid JSON: " + exception.Message, null, "invalid_json"));
        }

        if (json is null) return (null, new RequestProblem(400, "The request body must be a JSON object.", null, "invalid_json"));
        if (!TryString(json, "model", out var model) || string.IsNullOrWhiteSpace(model))
        {
            return (null, new RequestProblem(400, "'model' is required and must be a string.", "model", "missing_model"));
        }

        var stream = false;
        if (json["stream"] is { } streamNode)
        {
            if (streamNode.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                return (null, new RequestProblem(400, "'stream' must be a boolean.", "stream", "invalid_type"));
            stream = streamNode.GetValue<bool>() && endpoint.CanStream;
        }

        long maxTokens = 0;
        if (endpoint.CountsCompletionTokens)
        {
            var maxNode = json["max_completion_tokens"] ?? json["max_tokens"];
            if (maxNode is null) maxTokens = options.CurrentValue.DefaultMaxTokens;
            else if (maxNode.GetValueKind() == JsonValueKind.Number && maxNode.AsValue().TryGetValue<long>(out var max) && max >= 0) maxTokens = max;
            else return (null, new RequestProblem(400, "'max_tokens' must be a non-negative integer.", "max_tokens", "invalid_type"));
        }

        var clientWantsUsage = json["stream_options"] is JsonObject streamOptions && streamOptions["include_usage"] is { } include
            && include.GetValueKind() == JsonValueKind.True;
        if (stream && !clientWantsUsage && endpoint.CountsCompletionTokens)
        {
            // Exact usage for streams: ask the upstream for it, and strip the usage chunk before the client sees it.
            var streamOptionsObject = json["stream_options"] as JsonObject ?? [];
            streamOptionsObject["include_usage"] = true;
            json["stream_options"] = streamOptionsObject;
            body = JsonSerializer.SerializeToUtf8Bytes(json);
        }

        // A rough estimate (about four bytes a token); the reservation is corrected with the upstream's real count.
        return (new GatewayRequest(body, model, stream, clientWantsUsage, body.Length / 4 + 1, maxTokens), null);
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
        catch (IOException exception)
        {
            return (null, new RequestProblem(400, "The multipart body is malformed: " + exception.Message, null, "invalid_multipart"));
        }

        return string.IsNullOrEmpty(model)
            ? (null, new RequestProblem(400, "The form field 'model' is required.", "model", "missing_model"))
            : (new GatewayRequest(body, model, false, false, 0, 0), null);
    }

    private static bool TryString(JsonObject json, string name, out string? value)
    {
        value = null;
        if (json[name] is not JsonValue node || node.GetValueKind() != JsonValueKind.String) return false;
        value = node.GetValue<string>();
        return true;
    }
}
