namespace Nexus.AppHost.Composition;

/// <summary>Generated secrets: letters and digits only, so they paste into a shell or a header unquoted.</summary>
internal static class NexusParameters
{
    /// <summary>A secret parameter generated when no value is configured (<c>Parameters__{name}</c>); with
    /// <paramref name="persist"/> the generated value is kept in the AppHost's user secrets for the next run.</summary>
    public static IResourceBuilder<ParameterResource> AddNexusSecret(this IDistributedApplicationBuilder builder, string name, bool persist) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: persist);

    /// <summary>Prints the parameter's value in the start-up summary (the bootstrap admin key, which a person needs once).</summary>
    public static IResourceBuilder<ParameterResource> WithValuePrinted(this IResourceBuilder<ParameterResource> parameter, string label) =>
        parameter.WithAnnotation(new PrintedValueAnnotation(label));
}

/// <summary>Marks a parameter whose value the start-up summary prints.</summary>
internal sealed record PrintedValueAnnotation(string Label) : IResourceAnnotation;
