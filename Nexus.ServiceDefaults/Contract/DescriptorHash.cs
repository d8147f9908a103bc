using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexus.Contract;

/// <summary>
/// The <c>descriptorHash</c> a service sends with each lease renewal, so the registry fetches the descriptor again only
/// when what it routes by has changed (docs/service-contract.md, "The descriptor hash"): lowercase hex of the SHA-256
/// of the RFC 8785 canonical form of the descriptor's <c>version</c>, <c>labels</c>, <c>functions</c> and
/// <c>models</c>, with object members whose value is <c>null</c> left out.
/// </summary>
public static class DescriptorHash
{
    /// <summary>The members the hash covers; every other one (identity, addresses, endpoints, description) is left out.</summary>
    public static IReadOnlyList<string> Members { get; } = ["version", "labels", "functions", "models"];

    /// <summary>The hash of a descriptor, serialised as <c>GET /v1/metadata</c> serves it.</summary>
    public static string Compute(NexusServiceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return Compute(JsonSerializer.SerializeToNode(descriptor, NexusJson.Options)!.AsObject());
    }

    /// <summary>The hash of a descriptor as JSON.</summary>
    public static string Compute(JsonObject descriptor) => Convert.ToHexStringLower(SHA256.HashData(CanonicalInput(descriptor)));

    /// <summary>The bytes that are hashed: the canonical JSON of the covered members.</summary>
    public static byte[] CanonicalInput(JsonObject descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var covered = new JsonObject();
        foreach (var name in Members)
        {
            if (descriptor.TryGetPropertyValue(name, out var value) && value is not null) covered[name] = WithoutNulls(value);
        }

        return JsonCanonicalizer.Canonicalize(JsonSerializer.SerializeToElement(covered));
    }

    /// <summary>A copy without null-valued object members, at any depth: a member written as <c>null</c> by one
    /// serialiser and left out by another hashes the same. Null array items stay.</summary>
    private static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Where(m => m.Value is not null).Select(m => KeyValuePair.Create(m.Key, WithoutNulls(m.Value)))),
        JsonArray array => new JsonArray(array.Select(WithoutNulls).ToArray()),
        _ => node?.DeepClone(),
    };
}
