using System.Reflection;
using System.Text.RegularExpressions;

namespace Nexus.Services.Knowledge.Tenancy;

/// <summary>
/// Whose data a request reads and writes. The gateway sets <c>X-Nexus-Tenant</c> to the authenticated caller's tenant
/// and drops any value a client sent, so behind the gateway it cannot be chosen. A request without it (a direct call on
/// a private network, a single-user install) works in the <see cref="Default"/> tenant, which no gateway tenant id can
/// be (the gateway's start with <c>tn_</c>).
/// </summary>
internal sealed partial record Tenant(string Id)
{
    public const string Header = "X-Nexus-Tenant";

    public static readonly Tenant Default = new("default");

    /// <summary>Bound from the header by minimal APIs; a malformed value is the client's 400.</summary>
    public static ValueTask<Tenant> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var values = context.Request.Headers[Header];
        if (values.Count == 0) return ValueTask.FromResult(Default);
        if (values.Count > 1 || values[0] is not { } id || !Pattern().IsMatch(id))
        {
            throw new BadHttpRequestException($"The {Header} header must be one tenant id of 1-128 letters, digits, '.', '_', ':' or '-'.", StatusCodes.Status400BadRequest);
        }

        return ValueTask.FromResult(new Tenant(id));
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex Pattern();
}
