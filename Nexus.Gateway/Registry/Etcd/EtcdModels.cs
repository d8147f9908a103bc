using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nexus.Gateway.Registry.Etcd;

// The subset of etcd's v3 JSON gateway (grpc-gateway) messages we use. Keys and values are base64; int64
// fields travel as strings, which the serializer options accept and write.

internal sealed record EtcdKeyValue(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("lease")] long Lease,
    [property: JsonPropertyName("mod_revision")] long ModRevision);

internal sealed record EtcdHeader([property: JsonPropertyName("revision")] long Revision);

internal sealed record EtcdRangeResponse(
    [property: JsonPropertyName("header")] EtcdHeader Header,
    [property: JsonPropertyName("kvs")] IReadOnlyList<EtcdKeyValue>? Kvs);

internal sealed record EtcdLeaseResponse(
    [property: JsonPropertyName("ID")] long Id,
    [property: JsonPropertyName("TTL")] long Ttl);

internal sealed record EtcdKeepAliveResponse([property: JsonPropertyName("result")] EtcdLeaseResponse? Result);

internal sealed record EtcdEvent(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("kv")] EtcdKeyValue Kv)
{
    public bool IsDelete => string.Equals(Type, "DELETE", StringComparison.Ordinal);
}

internal sealed record EtcdWatchResult(
    [property: JsonPropertyName("header")] EtcdHeader? Header,
    [property: JsonPropertyName("created")] bool Created,
    [property: JsonPropertyName("canceled")] bool Canceled,
    [property: JsonPropertyName("compact_revision")] long CompactRevision,
    [property: JsonPropertyName("cancel_reason")] string? CancelReason,
    [property: JsonPropertyName("events")] IReadOnlyList<EtcdEvent>? Events);

internal sealed record EtcdWatchMessage(
    [property: JsonPropertyName("result")] EtcdWatchResult? Result,
    [property: JsonPropertyName("error")] EtcdError? Error);

internal sealed record EtcdError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string? Message);

internal static class EtcdJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
