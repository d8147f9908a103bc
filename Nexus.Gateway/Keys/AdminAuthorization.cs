using Nexus.Gateway.Keys;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Puts endpoints behind the gateway's admin key (never a tenant key).</summary>
public static class AdminAuthorization
{
    /// <summary>Requires <c>Authorization: Bearer &lt;admin key&gt;</c>; anything else is a 401 problem.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(RequireAdminAsync);

    /// <summary>Requires the admin key, or a tenant key whose policy may read the registry (<see cref="Policy.ReadRegistry"/>).</summary>
    public static TBuilder RequireRegistryReader<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(RequireRegistryReaderAsync);

    private static async ValueTask<object?> RequireRegistryReaderAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (http.RequestServices.GetRequiredService<AdminCredential>().IsValid(authorization)) return await next(context);
        var caller = await http.RequestServices.GetRequiredService<KeyAuthenticator>().AuthenticateAsync(authorization, http.RequestAborted);
        if (caller is null)
            return TypedResults.Problem("An admin key, or a tenant key that may read the registry, is required: 'Authorization: Bearer <key>'.", statusCode: StatusCodes.Status401Unauthorized);
        return caller.MayReadRegistry
            ? await next(context)
            : TypedResults.Problem("This key's policy does not allow reading the registry (policy 'readRegistry').", statusCode: StatusCodes.Status403Forbidden);
    }

    private static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var credential = context.HttpContext.RequestServices.GetRequiredService<AdminCredential>();
        return credential.IsValid(context.HttpContext.Request.Headers.Authorization)
            ? await next(context)
            : TypedResults.Problem("An admin key is required: 'Authorization: Bearer <admin key>'.", statusCode: StatusCodes.Status401Unauthorized);
    }
}
