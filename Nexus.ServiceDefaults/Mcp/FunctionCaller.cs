using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing.Patterns;
using ModelContextProtocol.Protocol;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// Calls a function's own HTTP endpoint on this service over loopback, so a tool call passes through the whole
/// ASP.NET Core pipeline (binding, validation, limits, errors, telemetry) exactly as an HTTP caller's request does,
/// and turns the response into an MCP tool result.
/// </summary>
internal sealed class FunctionCaller(HttpClient http, LoopbackAddress loopback)
{
    public const string HttpClientName = "Nexus.Mcp.Loopback";

    public async Task<CallToolResult> CallAsync(FunctionTool tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        using var request = BuildRequest(tool, arguments);
        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The service could not answer its own call (stopping, or slower than the client's timeout): the caller's
            // tool error, not a JSON-RPC internal error.
            return Error($"{tool.Function.Name} could not be called: {e.Message}");
        }

        using var _ = response;
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";

        if (!response.IsSuccessStatusCode)
        {
            return Error($"{tool.Function.Name} failed with HTTP {(int)response.StatusCode}: {ErrorMessage(body, mediaType)}");
        }

        return ToResult(body, mediaType);
    }

    public static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    private HttpRequestMessage BuildRequest(FunctionTool tool, JsonObject arguments)
    {
        var function = tool.Function;
        var remaining = arguments.DeepClone().AsObject();
        var path = new StringBuilder();
        foreach (var segment in RoutePatternFactory.Parse(function.Path).PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        path.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        path.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter when remaining.Remove(parameter.Name, out var value) && value is not null:
                        path.Append(Uri.EscapeDataString(Scalar(value)));
                        break;
                }
            }
        }

        var method = new HttpMethod(function.Method);
        var message = new HttpRequestMessage(method, new Uri(loopback.Get(), path.ToString().TrimEnd('/') is { Length: > 0 } p ? p : "/"));
        if (method == HttpMethod.Get || method == HttpMethod.Delete || method == HttpMethod.Head)
        {
            var query = string.Join('&', remaining
                .Where(p => p.Value is not null)
                .SelectMany(p => (p.Value is JsonArray items ? items.OfType<JsonNode>() : [p.Value!])
                    .Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(Scalar(v))}")));
            if (query.Length > 0) message.RequestUri = new UriBuilder(message.RequestUri!) { Query = query }.Uri;
        }
        else
        {
            var body = tool.WrapsInput ? remaining["input"] : remaining;
            message.Content = new StringContent(body?.ToJsonString() ?? "null", Encoding.UTF8, "application/json");
        }

        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        return message;
    }

    private static CallToolResult ToResult(byte[] body, string mediaType)
    {
        if (IsJson(mediaType))
        {
            var text = Encoding.UTF8.GetString(body);
            JsonNode? json;
            try { json = JsonNode.Parse(text); }
            catch (JsonException) { json = null; }

            // MCP's structuredContent is an object; any other JSON value stays text only.
            return new CallToolResult
            {
                Content = [new TextContentBlock { Text = text }],
                StructuredContent = json is JsonObject ? JsonSerializer.SerializeToElement(json) : null,
            };
        }

        if (mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)) return new CallToolResult { Content = [AudioContentBlock.FromBytes(body, mediaType)] };
        if (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)) return new CallToolResult { Content = [ImageContentBlock.FromBytes(body, mediaType)] };
        if (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)) return new CallToolResult { Content = [new TextContentBlock { Text = Encoding.UTF8.GetString(body) }] };

        return Error($"The function answered {mediaType}, which an MCP tool result cannot carry; call its HTTP endpoint instead.");
    }

    /// <summary>The service's own message: problem details' <c>detail</c> (or <c>title</c>), OpenAI's <c>error.message</c>, else the body.</summary>
    private static string ErrorMessage(byte[] body, string mediaType)
    {
        var text = Encoding.UTF8.GetString(body);
        if (IsJson(mediaType))
        {
            try
            {
                if (JsonNode.Parse(text) is JsonObject error)
                {
                    var message = Text(error["error"]?["message"]) ?? Text(error["detail"]) ?? Text(error["title"]);
                    // A validation problem lists its fields under "errors": field -> messages.
                    var fields = error["errors"] is JsonObject errors
                        ? errors.Select(e => $"{e.Key}: {string.Join(" ", (e.Value as JsonArray ?? []).Select(Text).OfType<string>())}")
                        : [];
                    if (message is not null) return string.Join("; ", fields.Prepend(message));
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: the raw body is the message.
            }
        }

        return text.Length == 0 ? "no message" : text.Length > 2000 ? text[..2000] : text;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static string Scalar(JsonNode value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(), // numbers and booleans as JSON writes them, which is how ASP.NET Core binds them
    };
}
