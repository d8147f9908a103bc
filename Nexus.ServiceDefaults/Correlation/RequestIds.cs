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

    /// <summary>
    /// 128 random bits as hex. A request id correlates, it guards nothing, so it comes from the fast shared generator
    /// rather than the cryptographic one, which costs a call into the crypto library on every request.
    /// </summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
