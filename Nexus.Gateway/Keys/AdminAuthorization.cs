using Nexus.Gateway.Keys;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Puts endpoints behind the gateway's admin key (never a tenant key).</summary>
public static class AdminAuthorization
{
    /// <summary>Requires <c>Authorization: Bearer &lt;admin key&gt;</c>; anything else is a 401 problem.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(RequireAdminAsync);

    private static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var credential = context.HttpContext.RequestServices.GetRequiredService<AdminCredential>();
        return credential.IsValid(context.HttpContext.Request.Headers.Authorization)
            ? await next(context)
            : TypedResults.Problem("An admin key is required: 'Authorization: Bearer <admin key>'.", statusCode: StatusCodes.Status401Unauthorized);
    }
}
