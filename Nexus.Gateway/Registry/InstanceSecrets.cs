using System.Security.Cryptography;
using System.Text;

namespace Nexus.Gateway.Registry;

/// <summary>Instance secrets and bearer tokens: random, stored hashed, compared in constant time.</summary>
internal static class InstanceSecrets
{
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(hash));

    /// <summary>Constant-time comparison of two tokens, hashed first so their lengths leak nothing.</summary>
    public static bool SameToken(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or <c>null</c>.</summary>
    public static string? Bearer(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = authorization[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
