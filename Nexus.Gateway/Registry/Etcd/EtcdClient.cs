using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexus.Gateway.Registry.Etcd;

/// <summary>
/// A small client for etcd's v3 JSON gateway: key-value put/range/delete, leases and watches. Hand-written
/// because no etcd package is available to us (docs: PACKAGES.md); it speaks only what the registry needs.
/// </summary>
internal sealed class EtcdClient(HttpClient http, TimeSpan requestTimeout)
{
    /// <summary>Writes a key, attached to a lease when <paramref name="leaseId"/> is not zero.</summary>
    public Task PutAsync(string key, byte[] value, long leaseId, CancellationToken cancellationToken) =>
        PostAsync("/v3/kv/put", new JsonObject { ["key"] = Encode(key), ["value"] = Convert.ToBase64String(value), ["lease"] = leaseId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken);

    /// <summary>Every key under a prefix, with the store's revision at the time of reading.</summary>
    public async Task<EtcdRangeResponse> RangePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var body = await PostAsync("/v3/kv/range", new JsonObject { ["key"] = Encode(prefix), ["range_end"] = Encode(PrefixEnd(prefix)) }, cancellationToken);
        return body.Deserialize<EtcdRangeResponse>(EtcdJson.Options) ?? throw new EtcdException("etcd answered a range with an empty body.");
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        PostAsync("/v3/kv/deleterange", new JsonObject { ["key"] = Encode(key) }, cancellationToken);

    /// <summary>Grants a lease of <paramref name="ttlSeconds"/>; returns its id.</summary>
    public async Task<long> GrantLeaseAsync(int ttlSeconds, CancellationToken cancellationToken)
    {
        var body = await PostAsync("/v3/lease/grant", new JsonObject { ["TTL"] = ttlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken);
        var lease = body.Deserialize<EtcdLeaseResponse>(EtcdJson.Options);
        return lease is { Id: not 0 } ? lease.Id : throw new EtcdException("etcd granted no lease.");
    }

    /// <summary>Renews a lease once; false when it has already expired or been revoked.</summary>
    public async Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken)
    {
        var body = await PostAsync("/v3/lease/keepalive", new JsonObject { ["ID"] = Id(leaseId) }, cancellationToken);
        // An expired lease is answered with its id and no TTL.
        return body.Deserialize<EtcdKeepAliveResponse>(EtcdJson.Options)?.Result is { Ttl: > 0 };
    }

    /// <summary>Ends a lease, deleting its keys; a lease that is already gone counts as revoked.</summary>
    public async Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await PostAsync("/v3/lease/revoke", new JsonObject { ["ID"] = Id(leaseId) }, cancellationToken);
        }
        catch (EtcdException ex) when (ex.Code == EtcdException.NotFound)
        {
            // Already expired.
        }
    }

    /// <summary>Streams the events under a prefix from <paramref name="startRevision"/> on, until cancelled or the stream breaks.</summary>
    public async IAsyncEnumerable<EtcdEvent> WatchPrefixAsync(string prefix, long startRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["create_request"] = new JsonObject
            {
                ["key"] = Encode(prefix),
                ["range_end"] = Encode(PrefixEnd(prefix)),
                ["start_revision"] = startRevision.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v3/watch") { Content = JsonContent.Create(request) };
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0) continue;
            var watch = JsonSerializer.Deserialize<EtcdWatchMessage>(line, EtcdJson.Options);
            if (watch?.Error is { } error) throw new EtcdException($"etcd watch failed: {error.Message}", error.Code);
            if (watch?.Result is not { } result) continue;
            if (result.Canceled)
            {
                throw new EtcdException($"etcd cancelled the watch (compacted to {result.CompactRevision}): {result.CancelReason}");
            }

            foreach (var change in result.Events ?? []) yield return change;
        }

        throw new EtcdException("etcd closed the watch stream.");
    }

    public static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    private static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The end of a prefix range: the prefix with its last byte incremented (etcd's convention).</summary>
    private static string PrefixEnd(string prefix)
    {
        var bytes = Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return Encoding.UTF8.GetString(bytes);
    }

    private async Task<JsonNode> PostAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        try
        {
            using var response = await http.PostAsJsonAsync(path, body, timeout.Token);
            await EnsureSuccessAsync(response, timeout.Token);
            return await response.Content.ReadFromJsonAsync<JsonNode>(timeout.Token) ?? new JsonObject();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EtcdException($"etcd did not answer {path} within {requestTimeout.TotalSeconds:0.#}s.");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        EtcdError? error = null;
        try
        {
            error = JsonSerializer.Deserialize<EtcdError>(text, EtcdJson.Options);
        }
        catch (JsonException)
        {
            // Not grpc-gateway's error shape (a proxy in between, say): report the raw text.
        }

        throw new EtcdException($"etcd answered {(int)response.StatusCode}: {error?.Message ?? text}", error?.Code ?? 0);
    }
}

/// <summary>etcd refused a request or could not be reached in time.</summary>
internal sealed class EtcdException(string message, int code = 0) : Exception(message)
{
    /// <summary>gRPC's NOT_FOUND, as etcd reports an unknown lease.</summary>
    public const int NotFound = 5;

    public int Code { get; } = code;
}
