using System.Security.Claims;

namespace Nexus.Ui.Account;

/// <summary>
/// The keys of the signed-in person, read from the principal of the encrypted sign-in cookie. They live only there
/// (ASP.NET Core data protection encrypts and signs it; JavaScript cannot read it) and in this circuit's memory.
/// </summary>
internal sealed record UiSession(string? AdminKey, string? TenantKey)
{
    public const string AdminRole = "admin";
    public const string TenantRole = "tenant";
    public const string AdminKeyClaim = "nexus:admin-key";
    public const string TenantKeyClaim = "nexus:tenant-key";

    public static UiSession Anonymous { get; } = new(null, null);

    public bool IsAdmin => AdminKey is not null;
    public bool HasTenantKey => TenantKey is not null;
    public bool IsSignedIn => IsAdmin || HasTenantKey;

    public static UiSession From(ClaimsPrincipal user) =>
        new(user.FindFirst(AdminKeyClaim)?.Value, user.FindFirst(TenantKeyClaim)?.Value);

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, IsAdmin ? "Administrator" : "Tenant") };
        if (AdminKey is not null)
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
            claims.Add(new Claim(AdminKeyClaim, AdminKey));
        }

        if (TenantKey is not null)
        {
            claims.Add(new Claim(ClaimTypes.Role, TenantRole));
            claims.Add(new Claim(TenantKeyClaim, TenantKey));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>The key's first characters, enough to tell two keys apart on screen.</summary>
    public static string Hint(string key) => key.Length <= 8 ? "••••" : key[..Math.Min(8, key.Length / 2)] + "…";
}
