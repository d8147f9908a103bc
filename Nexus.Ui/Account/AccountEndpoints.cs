using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Nexus.Ui.Gateway;

namespace Nexus.Ui.Account;

/// <summary>
/// Sign-in and sign-out are plain form posts (antiforgery-checked): a cookie can only be written by an HTTP response, not
/// from inside an interactive circuit. The key goes into the encrypted cookie, never into a URL or the browser's storage.
/// </summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account").ExcludeFromDescription();
        account.MapPost("/signin", SignInAsync);
        account.MapPost("/signout", (Delegate)SignOutAsync);
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, [FromForm] string? key, [FromForm] string? returnUrl, GatewayClient gateway, SignInThrottle throttle, CancellationToken cancellationToken)
    {
        key = key?.Trim();
        if (string.IsNullOrEmpty(key)) return Back("empty", returnUrl);
        var browser = context.Connection.RemoteIpAddress;
        if (throttle.IsBlocked(browser)) return Back("too-many", returnUrl);
        var kind = await gateway.ClassifyKeyAsync(key, browser, cancellationToken);
        if (kind == KeyKind.Invalid) throttle.Failed(browser);
        if (kind is not (KeyKind.Admin or KeyKind.Tenant)) return Back(kind.ToString().ToLowerInvariant(), returnUrl);

        // A second key of the other kind is added: an administrator calls functions with a tenant key beside the admin key.
        var current = context.User.Identity?.IsAuthenticated == true ? UiSession.From(context.User) : UiSession.Anonymous;
        var session = kind == KeyKind.Admin ? current with { AdminKey = key } : current with { TenantKey = key };
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, session.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme));
        return Results.LocalRedirect(SafeReturn(returnUrl));
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect("~/signin");
    }

    private static IResult Back(string error, string? returnUrl) =>
        Results.LocalRedirect($"~/signin?error={error}&returnUrl={Uri.EscapeDataString(SafeReturn(returnUrl))}");

    // Only a local path: an absolute or protocol-relative URL would make the sign-in page an open redirect.
    private static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
