using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;
using Nexus.Ui.Gateway;

namespace Nexus.Ui.Forms;

/// <summary>
/// Calls a function through the gateway (<c>/v1/services/{service}{path}</c>) with the signed-in tenant key, as its
/// descriptor says: route parameters from the values of the same name, the rest as the JSON body, a multipart form
/// (with the chosen files), or the query string for GET and DELETE. The answer is read as it arrives.
/// </summary>
internal sealed class FunctionCaller(GatewayClient gateway)
{
    private const int MaxMediaBytes = 64 * 1024 * 1024;

    public async Task CallAsync(string service, FunctionDescriptor function, FormNode form, JsonObject values, string key, FunctionResult result, Func<Task> changed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (path, rest) = BindRoute(function.Path, values);
        var method = new HttpMethod(function.Method);
        HttpContent? content = null;
        if (method == HttpMethod.Get || method == HttpMethod.Delete || method == HttpMethod.Head) path += Query(rest);
        else if (function.RequestContentTypes.Contains("multipart/form-data", StringComparer.OrdinalIgnoreCase)) content = Multipart(form, rest);
        else content = JsonContent.Create(rest);

        using var response = await gateway.SendAsync(method, $"v1/services/{Uri.EscapeDataString(service)}{path}", key, content, cancellationToken, stream: true);
        result.Status = (int)response.StatusCode;
        result.ContentType = response.Content.Headers.ContentType?.MediaType;
        if (!response.IsSuccessStatusCode)
        {
            result.Error = GatewayException.MessageOf(await response.Content.ReadAsStringAsync(cancellationToken)) ?? $"{result.Status} {response.ReasonPhrase}";
        }
        else if (result.ContentType == "text/event-stream")
        {
            result.Streaming = true;
            await ReadEventsAsync(response, result, changed, cancellationToken);
            result.Streaming = false;
        }
        else if (result.ContentType is { } type && (type.StartsWith("audio/", StringComparison.Ordinal) || type.StartsWith("image/", StringComparison.Ordinal)))
        {
            var bytes = await ReadBoundedAsync(response, cancellationToken);
            result.Media.Add(($"data:{type};base64,{Convert.ToBase64String(bytes)}", type, $"{function.Name}{Extension(type)}"));
        }
        else if (result.ContentType is "application/json" or "application/problem+json" || result.ContentType?.EndsWith("+json", StringComparison.Ordinal) == true)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                result.Json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                result.Text = text;
            }

            if (function.Ui.Result == UiWidgets.Image && result.Json is not null) await CollectImagesAsync(service, function, result, key, cancellationToken);
        }
        else
        {
            await ReadTextAsync(response, result, changed, cancellationToken);
        }

        result.Elapsed = clock.Elapsed;
    }

    private static (string Path, JsonObject Body) BindRoute(string template, JsonObject values)
    {
        var rest = values.DeepClone().AsObject();
        var path = new StringBuilder();
        foreach (var segment in template.Split('/'))
        {
            if (path.Length > 0 || template.StartsWith('/')) path.Append('/');
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                var name = segment[1..^1].TrimStart('*').Split(':', '=', '?')[0];
                path.Append(Uri.EscapeDataString(rest[name]?.ToString() ?? ""));
                rest.Remove(name);
            }
            else
            {
                path.Append(segment);
            }
        }

        return (path.ToString().Replace("//", "/", StringComparison.Ordinal), rest);
    }

    private static string Query(JsonObject values)
    {
        var pairs = values.Where(p => p.Value is not null).Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value is JsonValue v ? v.ToString() : p.Value!.ToJsonString())}");
        var query = string.Join("&", pairs);
        return query.Length == 0 ? "" : "?" + query;
    }

    private static MultipartFormDataContent Multipart(FormNode form, JsonObject values)
    {
        var multipart = new MultipartFormDataContent();
        foreach (var field in form.Children)
        {
            if (field.Kind == FieldKind.File)
            {
                if (field.File is not { } file) continue;
                var part = new ByteArrayContent(file.Content);
                part.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
                multipart.Add(part, field.Name, file.Name);
            }
            else if (values[field.Name] is { } value)
            {
                multipart.Add(new StringContent(value is JsonValue v ? v.ToString() : value.ToJsonString()), field.Name);
            }
        }

        return multipart;
    }

    private static async Task ReadEventsAsync(HttpResponseMessage response, FunctionResult result, Func<Task> changed, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            result.Events.Add((item.EventType, item.Data));
            if (ChatDelta.Of(item.Data) is { } delta) result.StreamedText += delta;
            await changed();
        }
    }

    private static async Task ReadTextAsync(HttpResponseMessage response, FunctionResult result, Func<Task> changed, CancellationToken cancellationToken)
    {
        // Chunked text (progress lines, NDJSON) is shown as each piece arrives.
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body, Encoding.UTF8);
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > 1_000_000) break;
            result.Text = text.ToString();
            await changed();
        }

        result.Text = text.ToString();
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (copy.Length + read > MaxMediaBytes) throw new InvalidOperationException($"The answer is larger than the page shows ({MaxMediaBytes / 1024 / 1024} MiB).");
            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    /// <summary>Images in an OpenAI-shaped answer (<c>data[].b64_json</c> or <c>data[].url</c>, a path on the service).</summary>
    private async Task CollectImagesAsync(string service, FunctionDescriptor function, FunctionResult result, string key, CancellationToken cancellationToken)
    {
        if (result.Json?["data"] is not JsonArray data) return;
        var index = 0;
        foreach (var item in data.OfType<JsonObject>())
        {
            index++;
            if (item["b64_json"]?.ToString() is { Length: > 0 } base64)
            {
                result.Media.Add(($"data:image/png;base64,{base64}", "image/png", $"{function.Name}-{index}.png"));
            }
            else if (item["url"]?.ToString() is { Length: > 0 } url && url.StartsWith('/'))
            {
                using var image = await gateway.SendAsync(HttpMethod.Get, $"v1/services/{Uri.EscapeDataString(service)}{url}", key, null, cancellationToken);
                if (!image.IsSuccessStatusCode) continue;
                var type = image.Content.Headers.ContentType?.MediaType ?? "image/png";
                result.Media.Add(($"data:{type};base64,{Convert.ToBase64String(await image.Content.ReadAsByteArrayAsync(cancellationToken))}", type, $"{function.Name}-{index}{Extension(type)}"));
            }
        }
    }

    private static string Extension(string contentType) => contentType switch
    {
        "audio/wav" or "audio/x-wav" or "audio/wave" => ".wav",
        "audio/mpeg" => ".mp3",
        "audio/ogg" => ".ogg",
        "audio/flac" => ".flac",
        "audio/aac" => ".aac",
        "audio/pcm" => ".pcm",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/webp" => ".webp",
        _ => ".bin",
    };
}
