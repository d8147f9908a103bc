namespace Nexus.AppHost.Hosting;

/// <summary>A value known as an expression in the manifest and as a concrete string at run time.</summary>
public interface IValueProvider
{
    /// <summary>The manifest expression, e.g. <c>{gateway.bindings.http.url}</c>.</summary>
    string ValueExpression { get; }

    /// <summary>The value in run mode, or null when the source is not running (an embedded default serves instead).</summary>
    string? GetValue();
}
