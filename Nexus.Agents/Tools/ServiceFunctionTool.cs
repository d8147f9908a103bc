using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Nexus.Contract;

namespace Nexus.Agents.Tools;

/// <summary>
/// One function of a registered service as an <see cref="AIFunction"/>: its schema is the descriptor's
/// <c>inputSchema</c>; a call is validated against that schema, then sent through the gateway's
/// <c>/v1/services/{service}/...</c> with the agent's own key, so the gateway's limits and audit apply to it.
/// </summary>
internal sealed class ServiceFunctionTool(string service, FunctionDescriptor function, JsonSchemaValidator validator, ToolCallContext call) : AIFunction
{
    private readonly JsonElement _schema = JsonSerializer.SerializeToElement(function.InputSchema);

    public override string Name { get; } = ToolNames.ForModel($"{service}.{function.Name}");

    public override string Description { get; } = string.Join(" ", new[] { function.Summary, function.Description }.Where(s => !string.IsNullOrWhiteSpace(s)));

    public override JsonElement JsonSchema => _schema;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var input = ToolArguments.ToJson(arguments);
        var errors = validator.Validate(input);
        if (errors.Count > 0) return $"The call was not made: the arguments do not match the tool's schema: {string.Join("; ", errors)}";
        if (function.RequestContentTypes.Count > 0 && !function.RequestContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase)))
        {
            return $"The call was not made: {Name} takes {string.Join(", ", function.RequestContentTypes)}, which agents cannot send.";
        }

        using var request = BuildRequest(input);
        using var client = call.CreateGatewayClient();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return await ReadResultAsync(response, cancellationToken);
    }

    private HttpRequestMessage BuildRequest(JsonObject input)
    {
        // Path parameters ({id}) come out of the arguments; the rest is the query (GET, DELETE) or the JSON body.
        var path = function.Path;
        foreach (var (key, value) in input.ToList())
        {
            var token = "{" + key + "}";
            if (!path.Contains(token, StringComparison.Ordinal)) continue;
            path = path.Replace(token, Uri.EscapeDataString(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? ""), StringComparison.Ordinal);
            input.Remove(key);
        }

        var method = new HttpMethod(function.Method);
        var target = $"v1/services/{Uri.EscapeDataString(service)}{path}";
        if (method == HttpMethod.Get || method == HttpMethod.Delete)
        {
            var query = string.Join("&", input.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value?.ToJsonString() ?? "")}"));
            return new HttpRequestMessage(method, query.Length == 0 ? target : $"{target}?{query}");
        }

        return new HttpRequestMessage(method, target) { Content = new StringContent(input.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    private async Task<object?> ReadResultAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
        var textual = mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);
        if (!response.IsSuccessStatusCode)
        {
            var error = textual ? await response.Content.ReadAsStringAsync(cancellationToken) : "";
            return $"The tool failed with HTTP {(int)response.StatusCode}: {call.Truncate(error)}";
        }

        if (!textual)
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var blob = await call.Blobs.SaveAsync(body, mediaType, cancellationToken);
            call.Blobbed(blob);
            return JsonSerializer.SerializeToElement(new { stored = blob.Id, contentType = blob.ContentType, bytes = blob.Bytes, url = blob.Url, note = "Binary result stored; refer to it by its url." });
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (text.Length > call.MaxCharacters) return call.Truncate(text);
        if (mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }
}

/// <summary>What a tool call needs from its run: the agent's gateway client, the blob store and the result limit.</summary>
internal sealed class ToolCallContext(Func<HttpClient> createGatewayClient, BlobStore blobs, int maxCharacters, Action<BlobReference> blobbed, string runId)
{
    /// <summary>The run the tools are built for: its workspace folder is named by it.</summary>
    public string RunId => runId;
    public BlobStore Blobs => blobs;
    public int MaxCharacters => maxCharacters;
    public HttpClient CreateGatewayClient() => createGatewayClient();
    public void Blobbed(BlobReference blob) => blobbed(blob);

    public string Truncate(string text) =>
        text.Length <= maxCharacters ? text : string.Concat(text.AsSpan(0, maxCharacters), $"... [cut: {text.Length - maxCharacters} more characters]");
}

/// <summary>A call's arguments as JSON, whatever form the model's parser left them in.</summary>
internal static class ToolArguments
{
    public static JsonObject ToJson(IEnumerable<KeyValuePair<string, object?>> arguments)
    {
        var json = new JsonObject();
        foreach (var (key, value) in arguments)
        {
            json[key] = value switch
            {
                null => null,
                JsonElement element => JsonNode.Parse(element.GetRawText()),
                JsonNode node => node.DeepClone(),
                _ => JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions),
            };
        }

        return json;
    }

    /// <summary>One canonical text per (tool, arguments), for loop detection and approval matching.</summary>
    public static string Canonical(string tool, IEnumerable<KeyValuePair<string, object?>>? arguments) =>
        tool + " " + Sorted(ToJson(arguments ?? []))?.ToJsonString();

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    /// <summary>A string argument, when the argument is a string.</summary>
    public static string? StringOf(object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => null,
    };
}
