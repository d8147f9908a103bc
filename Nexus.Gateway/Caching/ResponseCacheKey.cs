using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nexus.Contract;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Keys;

namespace Nexus.Gateway.Caching;

/// <summary>Which requests may be answered from the cache, for how long, and under which key.</summary>
internal static class ResponseCacheKey
{
    /// <summary>How long the caller's answers are kept: the key's policy's <c>responseCacheSeconds</c>, else the tenant's; null when off.</summary>
    public static TimeSpan? TimeToLive(Caller caller, CachingOptions options)
    {
        var seconds = caller.Key.Policy.ResponseCacheSeconds ?? caller.Tenant.Policy.ResponseCacheSeconds;
        if (seconds is not > 0) return null;
        var ttl = TimeSpan.FromSeconds(seconds.Value);
        return ttl < options.MaxTimeToLive ? ttl : options.MaxTimeToLive;
    }

    /// <summary>
    /// Whether the same body always deserves the same answer: embeddings, and chat or completions that are not streamed
    /// and ask for <c>temperature: 0</c> (an absent temperature is the API's default of 1, which samples).
    /// </summary>
    public static bool IsDeterministic(GatewayEndpoint endpoint, GatewayRequest request) => endpoint.Name switch
    {
        "embeddings" => true,
        "chat.completions" or "completions" => !request.Stream && TemperatureIsZero(request.Body),
        _ => false,
    };

    /// <summary>
    /// The entry's key: the tenant in clear (a tenant's entries can never be another's), then a SHA-256 of the endpoint,
    /// the model, the labels that chose the instances and the body in RFC 8785 canonical form, so that member order,
    /// whitespace and number spelling do not split one request into several entries.
    /// </summary>
    public static string For(Caller caller, GatewayEndpoint endpoint, string model, string? labels, byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var canonical = JsonCanonicalizer.Canonicalize(document.RootElement);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in (ReadOnlySpan<string>)[endpoint.Name, model, labels ?? ""])
        {
            hash.AppendData(Encoding.UTF8.GetBytes(part));
            hash.AppendData([0]);
        }

        hash.AppendData(canonical);
        return "nexus:cache:" + caller.Tenant.Id + ":" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static bool TemperatureIsZero(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isTemperature = reader.ValueTextEquals("temperature"u8);
            reader.Read();
            if (isTemperature) return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && value == 0;
            reader.Skip();
        }

        return false;
    }
}
