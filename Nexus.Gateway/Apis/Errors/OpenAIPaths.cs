namespace Nexus.Gateway.Apis.Errors;

/// <summary>Which answers are OpenAI's: everything under <c>/v1/</c> except the registry's API, which speaks problem details.</summary>
internal static class OpenAIPaths
{
    public static bool Contains(PathString path) =>
        path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) && !path.StartsWithSegments("/v1/registry", StringComparison.OrdinalIgnoreCase);
}
