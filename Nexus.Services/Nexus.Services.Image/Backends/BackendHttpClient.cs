using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Backends;

/// <summary>
/// An image server's JSON-over-HTTP API (ComfyUI, InvokeAI), one call at a time, each bounded by <paramref name="timeout"/>.
/// Transport failures and timeouts become <see cref="BackendUnavailableException"/>; answers that are errors, or not
/// JSON, become <see cref="BackendFailedException"/> in the words of <see cref="DescribeError"/>.
/// </summary>
/// <param name="http">Gives the client.</param>
/// <param name="httpClientName">The named client, registered without a timeout of its own.</param>
/// <param name="product">The server's name in messages ("ComfyUI").</param>
/// <param name="setting">The setting that names its URL, for the message when none is configured.</param>
/// <param name="baseUrl">Reads the configured URL at each call, so a reloaded configuration takes effect.</param>
/// <param name="timeout">Reads the bound of one call.</param>
internal abstract class BackendHttpClient(IHttpClientFactory http, string httpClientName, string product, string setting,
    Func<string?> baseUrl, Func<TimeSpan> timeout)
{
    protected string Product => product;

    public Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        CallAsync(path, async (client, uri, token) =>
        {
            using var response = await client.GetAsync(uri, token);
            await EnsureSuccessAsync(response, path, token);
            return await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token);
        }, cancellationToken);

    public Task<JsonNode?> SendJsonAsync(HttpMethod method, string path, JsonObject body, CancellationToken cancellationToken) =>
        CallAsync(path, async (client, uri, token) =>
        {
            using var request = new HttpRequestMessage(method, uri) { Content = JsonContent.Create(body) };
            using var response = await client.SendAsync(request, token);
            await EnsureSuccessAsync(response, path, token);
            return await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token);
        }, cancellationToken);

    /// <summary>Posts <paramref name="body"/> and reads nothing back but the status (ComfyUI answers some posts with no body).</summary>
    public Task PostAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        CallAsync(path, async (client, uri, token) =>
        {
            using var response = await client.PostAsJsonAsync(uri, body, token);
            await EnsureSuccessAsync(response, path, token);
            return true;
        }, cancellationToken);

    /// <summary>The bytes at <paramref name="path"/>, which must be a PNG since that is what the service answers with.</summary>
    protected Task<byte[]> GetPngAsync(string path, string notPng, CancellationToken cancellationToken) =>
        CallAsync(path, async (client, uri, token) =>
        {
            using var response = await client.GetAsync(uri, token);
            await EnsureSuccessAsync(response, path, token);
            var bytes = await response.Content.ReadAsByteArrayAsync(token);
            if (!bytes.AsSpan().StartsWith(PngSignature)) throw new BackendFailedException(notPng);
            return bytes;
        }, cancellationToken);

    /// <summary>Runs <paramref name="call"/> against <paramref name="path"/> (relative, with its query) on the configured server.</summary>
    protected async Task<T> CallAsync<T>(string path, Func<HttpClient, Uri, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var server = baseUrl() ?? throw new BackendUnavailableException($"No {product} server is configured ({setting}).");
        var uri = new Uri(new Uri(server.TrimEnd('/') + "/"), path);
        var bound = timeout();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(bound);
        try
        {
            return await call(http.CreateClient(httpClientName), uri, timeoutSource.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendUnavailableException($"{product} at {server} is unreachable: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackendUnavailableException($"{product} did not answer /{Route(path)} within {bound.TotalSeconds:0.#} s.");
        }
        catch (JsonException ex)
        {
            throw new BackendFailedException($"{product} answered /{Route(path)} with something other than JSON: {ex.Message}");
        }
    }

    /// <summary>Throws <see cref="BackendFailedException"/> for an answer that is not a success.</summary>
    protected async Task EnsureSuccessAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new BackendFailedException(DescribeError(response, Route(path), body));
    }

    /// <summary>What the server said, for the client: by default its status and the start of its body.</summary>
    protected virtual string DescribeError(HttpResponseMessage response, string route, string body) =>
        $"{product} answered {(int)response.StatusCode} to /{route}: {Excerpt(body)}";

    protected static string Excerpt(string body) => body.Length > 300 ? body[..300] + "…" : body;

    /// <summary>The path without its query: what a message names.</summary>
    private static string Route(string path) => path.Split('?')[0];

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
}
