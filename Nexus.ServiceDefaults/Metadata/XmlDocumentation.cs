using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Nexus.ServiceDefaults.Metadata;

/// <summary>Reads <c>&lt;summary&gt;</c> and <c>&lt;param&gt;</c> texts from the XML documentation file beside an assembly.</summary>
internal sealed partial class XmlDocumentation
{
    private readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, XElement>> _files = new();

    public string? Summary(MemberInfo member)
    {
        var id = member switch
        {
            Type type => "T:" + TypeName(type),
            PropertyInfo property => $"P:{TypeName(property.DeclaringType!)}.{property.Name}",
            FieldInfo field => $"F:{TypeName(field.DeclaringType!)}.{field.Name}",
            _ => null,
        };

        var assembly = member as Type is { } t ? t.Assembly : member.DeclaringType?.Assembly;
        return id is null || assembly is null ? null : Clean(Members(assembly).GetValueOrDefault(id)?.Element("summary"));
    }

    public string? Parameter(Type declaringType, string? parameterName)
    {
        if (parameterName is null) return null;
        var type = Members(declaringType.Assembly).GetValueOrDefault("T:" + TypeName(declaringType));
        return Clean(type?.Elements("param").FirstOrDefault(p => (string?)p.Attribute("name") == parameterName));
    }

    private IReadOnlyDictionary<string, XElement> Members(Assembly assembly) => _files.GetOrAdd(assembly, Load);

    private static IReadOnlyDictionary<string, XElement> Load(Assembly assembly)
    {
        var path = string.IsNullOrEmpty(assembly.Location) ? null : Path.ChangeExtension(assembly.Location, ".xml");
        if (path is null || !File.Exists(path)) return new Dictionary<string, XElement>();

        return XDocument.Load(path).Descendants("member")
            .Where(m => m.Attribute("name") is not null)
            .GroupBy(m => (string)m.Attribute("name")!)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    private static string TypeName(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private static string? Clean(XElement? element)
    {
        if (element is null) return null;
        var text = string.Concat(element.Nodes().Select(n => n is XElement e ? (string?)e.Attribute("cref")?.Value.Split('.').Last() ?? e.Value : n.ToString()));
        var collapsed = Whitespace().Replace(text, " ").Trim();
        return collapsed.Length == 0 ? null : collapsed;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
