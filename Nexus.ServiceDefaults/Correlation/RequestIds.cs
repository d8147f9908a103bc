using System.Security.Cryptography;

namespace Nexus.ServiceDefaults.Correlation;

/// <summary>Decides whether a caller's <c>X-Request-Id</c> can be trusted into logs and headers, or a new one is needed.</summary>
public static class RequestIds
{
    /// <summary>Longest request id accepted from a caller.</summary>
    public const int MaxLength = 128;

    /// <summary>The caller's id when safe (1-128 visible ASCII characters), otherwise a new random one.</summary>
    public static string AcceptOrCreate(string? candidate) => IsSafe(candidate) ? candidate! : Create();

    /// <summary>Visible ASCII only: no spaces, controls or non-ASCII that could forge log lines or break headers.</summary>
    public static bool IsSafe(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength) return false;
        foreach (var c in candidate)
        {
            if (c < '!' || c > '~') return false;
        }

        return true;
    }

    public static string Create() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
