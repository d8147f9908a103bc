using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nexus.Ui.Account;

namespace Nexus.Ui.Gateway;

/// <summary>
/// Every call the UI makes goes through here, to the gateway only, with the signed-in person's key. The key is set per
/// request, never on the shared client, so one person's key can never travel with another's call.
/// </summary>
internal sealed class GatewayClient(HttpClient http, IOptions<UiOptions> options)
{
    private readonly TimeSpan _timeout = options.Value.GatewayTimeout;

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>
    /// Asks the gateway what a key is: the admin key opens the admin API, a tenant key authenticates on <c>/v1/usage</c>
    /// (which needs no scope). The likelier kind is asked first (tenant keys start with <c>nx-</c>), because the gateway
    /// counts every refused credential against the caller's address: the browser's, sent as <c>X-Forwarded-For</c>,
    /// when the gateway trusts the UI as a proxy (<c>Nexus:Gateway:TrustedProxies</c>), else the UI's own, for all its users.
    /// </summary>
    public async Task<KeyKind> ClassifyKeyAsync(string key, IPAddress? browser, CancellationToken cancellationToken)
    {
        try
        {
            if (key.StartsWith("nx-", StringComparison.Ordinal))
            {
                var tenant = await TenantAsync(key, browser, cancellationToken);
                return tenant == KeyKind.Invalid && await IsAdminAsync(key, browser, cancellationToken) ? KeyKind.Admin : tenant;
            }

            return await IsAdminAsync(key, browser, cancellationToken) ? KeyKind.Admin : await TenantAsync(key, browser, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return KeyKind.GatewayUnreachable;
        }
    }

    private async Task<bool> IsAdminAsync(string key, IPAddress? browser, CancellationToken cancellationToken)
    {
        using var admin = await SendAsync(HttpMethod.Get, "admin/canaries", key, null, cancellationToken, forwardedFor: browser);
        return admin.IsSuccessStatusCode;
    }

    private async Task<KeyKind> TenantAsync(string key, IPAddress? browser, CancellationToken cancellationToken)
    {
        using var tenant = await SendAsync(HttpMethod.Get, "v1/usage", key, null, cancellationToken, forwardedFor: browser);
        return tenant.StatusCode switch
        {
            _ when tenant.IsSuccessStatusCode => KeyKind.Tenant,
            HttpStatusCode.Unauthorized => KeyKind.Invalid,
            HttpStatusCode.TooManyRequests => KeyKind.Throttled,
            _ => KeyKind.GatewayUnreachable,
        };
    }

    /// <summary>A request to the gateway; the caller owns the response. Streams are read as they arrive.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, HttpContent? content, CancellationToken cancellationToken, bool stream = false, IPAddress? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (key.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor.ToString());
        if (stream) return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
    }

    /// <summary>A JSON answer, or a <see cref="GatewayException"/> carrying the gateway's or the service's own words.</summary>
    public async Task<JsonNode?> GetJsonAsync(string path, string key, CancellationToken cancellationToken) =>
        await SendJsonAsync(HttpMethod.Get, path, key, null, cancellationToken);

    public async Task<JsonNode?> SendJsonAsync(HttpMethod method, string path, string key, object? body, CancellationToken cancellationToken, HttpContent? content = null)
    {
        using var response = await SendAsync(method, path, key, content ?? (body is null ? null : JsonContent.Create(body)), cancellationToken);
        if (!response.IsSuccessStatusCode) throw await GatewayException.FromAsync(response, cancellationToken);
        if (response.Content.Headers.ContentLength == 0 || response.StatusCode == HttpStatusCode.NoContent) return null;
        return await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }

    /// <summary>The registry's watch stream: every instance as <c>added</c>, then each change as it happens.</summary>
    public async IAsyncEnumerable<(string Kind, JsonObject Instance)> WatchRegistryAsync(string adminKey, Action connected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "v1/registry/watch", adminKey, null, cancellationToken, stream: true);
        if (!response.IsSuccessStatusCode) throw await GatewayException.FromAsync(response, cancellationToken);
        connected();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            if (JsonNode.Parse(item.Data) is JsonObject instance) yield return (item.EventType, instance);
        }
    }
}
