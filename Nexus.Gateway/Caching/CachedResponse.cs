using System.Buffers.Binary;
using System.Text;

namespace Nexus.Gateway.Caching;

/// <summary>A cached answer: a 200 with its content type and body, valid until <see cref="ExpiresAt"/>.</summary>
internal sealed record CachedResponse(string ContentType, ReadOnlyMemory<byte> Body, DateTimeOffset ExpiresAt)
{
    private const byte Version = 1;

    /// <summary>The bytes kept in Redis: version, expiry (Unix ms), content type (length-prefixed UTF-8), body.</summary>
    public byte[] ToBytes()
    {
        var type = Encoding.UTF8.GetBytes(ContentType);
        var bytes = new byte[1 + 8 + 2 + type.Length + Body.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), ExpiresAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(9), (ushort)type.Length);
        type.CopyTo(bytes.AsSpan(11));
        Body.Span.CopyTo(bytes.AsSpan(11 + type.Length));
        return bytes;
    }

    /// <summary>The entry in <paramref name="bytes"/>, or null when they are not one (another version, truncated).</summary>
    public static CachedResponse? FromBytes(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (span.Length < 11 || span[0] != Version) return null;
        var expires = BinaryPrimitives.ReadInt64LittleEndian(span[1..]);
        var typeLength = BinaryPrimitives.ReadUInt16LittleEndian(span[9..]);
        if (span.Length < 11 + typeLength) return null;
        var type = Encoding.UTF8.GetString(span.Slice(11, typeLength));
        return new CachedResponse(type, bytes[(11 + typeLength)..], DateTimeOffset.FromUnixTimeMilliseconds(expires));
    }
}
