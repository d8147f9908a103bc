using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Nexus.Agents.Apis;

/// <summary>
/// Whose runs, sessions, approvals and memories a request works with. The gateway sets <c>X-Nexus-Tenant</c> to the
/// authenticated caller's tenant id on every request it forwards (and drops a client's value), so behind the gateway it
/// cannot be chosen; a direct call without it works in the agents' configured tenant (<c>Agents:Tenant</c>).
/// </summary>
public sealed partial record CallerTenant(string Id, bool Attested)
{
    public const string Header = "X-Nexus-Tenant";

    /// <summary>Bound by minimal APIs; a malformed header is the client's 400.</summary>
    public static ValueTask<CallerTenant> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult(From(context));

    public static CallerTenant From(HttpContext context)
    {
        var values = context.Request.Headers[Header];
        if (values.Count == 0) return new CallerTenant(context.RequestServices.GetRequiredService<IOptions<AgentsOptions>>().Value.Tenant, false);
        if (values.Count > 1 || values[0] is not { } id || !Pattern().IsMatch(id))
            throw new BadHttpRequestException($"The {Header} header must be one tenant id of 1-128 letters, digits, '.', '_', ':' or '-'.", StatusCodes.Status400BadRequest);
        return new CallerTenant(id, true);
    }

    /// <summary>Whether a run, a session or an approval of <paramref name="tenant"/> is this caller's.</summary>
    public bool Owns(string? tenant) => string.Equals(tenant, Id, StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex Pattern();
}
