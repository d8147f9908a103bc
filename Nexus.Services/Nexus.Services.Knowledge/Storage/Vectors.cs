using System.Runtime.InteropServices;

namespace Nexus.Services.Knowledge.Storage;

/// <summary>Embeddings as stored: float32 in the machine's byte order, little-endian on every platform .NET ships for x64 and arm64.</summary>
internal static class Vectors
{
    public static byte[] ToBytes(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    public static ReadOnlySpan<float> FromBytes(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes);
}
