using System.Runtime.CompilerServices;
using System.Text;

namespace Nexus.AppHost.Hosting;

/// <summary>
/// A string made of literals and <see cref="IValueProvider"/>s, rendered as a manifest expression or a run-time value
/// (Aspire's <c>ReferenceExpression</c>). Build one with <c>ReferenceExpression.Create($"Host={endpoint};...")</c>.
/// </summary>
public sealed class ReferenceExpression : IValueProvider
{
    private readonly IReadOnlyList<object> _parts;

    private ReferenceExpression(IReadOnlyList<object> parts) => _parts = parts;

    public static ReferenceExpression Create(ref ExpressionInterpolatedStringHandler handler) => new(handler.Parts);

    public static ReferenceExpression Literal(string value) => new([value]);

    public static ReferenceExpression From(IValueProvider provider) =>
        provider as ReferenceExpression ?? new([provider]);

    public string ValueExpression
    {
        get
        {
            var text = new StringBuilder();
            foreach (var part in _parts) text.Append(part is IValueProvider p ? p.ValueExpression : (string)part);
            return text.ToString();
        }
    }

    /// <summary>Null when any part has no value: the consumer then runs without that setting.</summary>
    public string? GetValue()
    {
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            var value = part is IValueProvider p ? p.GetValue() : (string)part;
            if (value is null) return null;
            text.Append(value);
        }

        return text.ToString();
    }

    /// <summary>The providers this expression reads, so referencing it can order the resources behind them.</summary>
    internal IEnumerable<IValueProvider> Providers => _parts.OfType<IValueProvider>();

    public override string ToString() => ValueExpression;
}

/// <summary>Collects the parts of an interpolated <see cref="ReferenceExpression"/>.</summary>
[InterpolatedStringHandler]
public ref struct ExpressionInterpolatedStringHandler
{
    public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
    {
        _ = literalLength;
        Parts = new List<object>(formattedCount * 2 + 1);
    }

    internal List<object> Parts { get; }

    public readonly void AppendLiteral(string value) => Parts.Add(value);

    public readonly void AppendFormatted(string value) => Parts.Add(value);

    public readonly void AppendFormatted(IValueProvider value) => Parts.Add(value);

    public readonly void AppendFormatted<T>(IResourceBuilder<T> value) where T : Resource, IResourceWithConnectionString =>
        Parts.Add(value.Resource.ConnectionStringExpression);
}
