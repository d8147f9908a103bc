namespace Nexus.AppHost.Hosting;

/// <summary>
/// A value supplied at deployment (the manifest's <c>parameter.v0</c>). In run mode it comes from the
/// <c>Parameters__{name}</c> environment variable, else from the value saved by an earlier run, else it is generated.
/// </summary>
public sealed class ParameterResource(string name, bool secret) : Resource(name), IValueProvider
{
    public bool Secret { get; } = secret;

    /// <summary>Generate a value of this length when none is given; null means the value must be supplied.</summary>
    public int? GenerateMinLength { get; init; }

    /// <summary>Keep a generated value across runs (a database password must outlive the run that created it).</summary>
    public bool Persist { get; init; } = true;

    public string? DefaultValue { get; init; }

    /// <summary>Printed once in the start-up output under this label (e.g. the bootstrap admin key).</summary>
    internal string? PrintLabel { get; set; }

    internal string? Value { get; set; }

    public string ValueExpression => $"{{{Name}.value}}";

    public string? GetValue() => Value;
}
