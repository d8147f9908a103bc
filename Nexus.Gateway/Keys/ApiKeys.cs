using System.Security.Cryptography;
using System.Text;

namespace Nexus.Gateway.Keys;

/// <summary>Key material: generation, the stored hash, and the prefix shown in listings.</summary>
internal static class ApiKeys
{
    public const string TenantKeyPrefix = "nx-";
    public const string AdminKeyPrefix = "nxadm-";

    /// <summary>A new key: prefix, 32 random bytes base64url. Shown once, then only its hash is kept.</summary>
    public static string Generate(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Characters in a key's hash: SHA-256 as hex.</summary>
    public const int HashLength = SHA256.HashSizeInBytes * 2;

    /// <summary>SHA-256 of the key as lower-case hex.</summary>
    public static string Hash(ReadOnlySpan<char> key)
    {
        Span<char> hash = stackalloc char[HashLength];
        Hash(key, hash);
        return new string(hash);
    }

    /// <summary>SHA-256 of the key as lower-case hex into <paramref name="destination"/>; on the stack, since every request hashes the key it presents.</summary>
    public static void Hash(ReadOnlySpan<char> key, Span<char> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[1024] : new byte[max];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        Convert.TryToHexStringLower(hash, destination, out _);
    }

    /// <summary>Enough of the key to tell keys apart in a listing, far too little to guess the rest.</summary>
    public static string DisplayPrefix(string key) => key[..Math.Min(key.Length, 10)];

    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    public static string? FromAuthorization(string? header) => BearerToken(header) is { IsEmpty: false } key ? key.ToString() : null;

    /// <summary>The key of a <c>Bearer</c> header, or empty; a view into the header, so checking it allocates nothing.</summary>
    public static ReadOnlySpan<char> BearerToken(string? header)
    {
        const string Bearer = "Bearer ";
        if (header is null || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)) return default;
        var key = header.AsSpan(Bearer.Length).Trim();
        return key.Length is > 0 and <= 256 ? key : default;
    }

    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
