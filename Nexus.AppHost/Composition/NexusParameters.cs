namespace Nexus.AppHost.Composition;

/// <summary>Generated secrets: letters and digits only, so they paste into a shell or a header unquoted.</summary>
internal static class NexusParameters
{
    /// <summary>A secret parameter generated when no value is configured (<c>Parameters__{name}</c>); with
    /// <paramref name="persist"/> the generated value is kept in the AppHost's user secrets for the next run. A
    /// <paramref name="prefix"/> starts the generated value (a tenant key's <c>nx-</c>).</summary>
    public static IResourceBuilder<ParameterResource> AddNexusSecret(this IDistributedApplicationBuilder builder, string name, bool persist, string? prefix = null)
    {
        var generate = new GenerateParameterDefault { MinLength = 32, Special = false };
        return builder.AddParameter(name, prefix is null ? generate : new PrefixedParameterDefault(prefix, generate), secret: true, persist: persist);
    }

    /// <summary>Prints the parameter's value in the start-up summary (the bootstrap admin key, which a person needs once).</summary>
    public static IResourceBuilder<ParameterResource> WithValuePrinted(this IResourceBuilder<ParameterResource> parameter, string label) =>
        parameter.WithAnnotation(new PrintedValueAnnotation(label));
}

/// <summary>Marks a parameter whose value the start-up summary prints.</summary>
internal sealed record PrintedValueAnnotation(string Label) : IResourceAnnotation;

/// <summary>
/// A generated value with a fixed start. The manifest can only describe the random part (Aspire's <c>generate</c>), so a
/// deployment tool that generates the value itself must add the prefix; the consumer refuses a value without it.
/// </summary>
internal sealed class PrefixedParameterDefault(string prefix, GenerateParameterDefault generate) : ParameterDefault
{
    public override string GetDefaultValue() => prefix + generate.GetDefaultValue();

    public override void WriteToManifest(Aspire.Hosting.Publishing.ManifestPublishingContext context) => generate.WriteToManifest(context);
}
