using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Nexus.Agents.Apis;

/// <summary>The admin key filter: spec changes and approval decisions need <c>Authorization: Bearer &lt;Agents:AdminKey&gt;</c>.</summary>
internal static class AdminKey
{
    public static TBuilder RequireAgentsAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var key = context.HttpContext.RequestServices.GetRequiredService<IOptions<AgentsOptions>>().Value.AdminKey;
            if (string.IsNullOrEmpty(key))
                return TypedResults.Problem("The agents admin API is closed: Agents:AdminKey is not configured.", statusCode: StatusCodes.Status403Forbidden);
            if (!IsPresented(context.HttpContext, key))
                return TypedResults.Problem("The agents admin key is required: 'Authorization: Bearer <key>'.", statusCode: StatusCodes.Status401Unauthorized);
            return await next(context);
        });

    /// <summary>Whether the request carries the admin key (false when none is configured).</summary>
    public static bool IsPresented(HttpContext context, string? key)
    {
        if (string.IsNullOrEmpty(key)) return false;
        var given = context.Request.Headers.Authorization.ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes("Bearer " + key));
    }
}
