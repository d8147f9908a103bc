using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Nexus.ServiceDefaults.Metadata;

/// <summary>
/// Generates a function's input and output JSON Schemas from .NET types with <see cref="JsonSchemaExporter"/>,
/// using the service's own JSON options so the schema names properties exactly as the endpoint binds them.
/// Descriptions come from <see cref="DescriptionAttribute"/> or, failing that, the type's XML documentation.
/// </summary>
public sealed class TypeSchemaGenerator
{
    private readonly JsonSerializerOptions _options;
    private readonly XmlDocumentation _docs = new();

    public TypeSchemaGenerator(JsonSerializerOptions serializerOptions)
    {
        _options = new JsonSerializerOptions(serializerOptions)
        {
            TypeInfoResolver = serializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver(),
        };
        _options.MakeReadOnly();
    }

    /// <summary>The serializer options schemas (and examples) are generated with.</summary>
    public JsonSerializerOptions SerializerOptions => _options;

    /// <summary>The JSON Schema of <paramref name="type"/> as a JSON object.</summary>
    public JsonObject Generate(Type type)
    {
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = AddDescription,
        };

        var node = _options.GetJsonSchemaAsNode(type, exporterOptions);
        return node as JsonObject ?? new JsonObject { ["type"] = "object" };
    }

    private JsonNode AddDescription(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is not JsonObject obj || obj.ContainsKey("description")) return schema;

        var member = context.PropertyInfo?.AttributeProvider as MemberInfo;
        var description = member is not null
            ? member.GetCustomAttribute<DescriptionAttribute>()?.Description ?? _docs.Summary(member)
            : context.PropertyInfo is null
                ? context.TypeInfo.Type.GetCustomAttribute<DescriptionAttribute>()?.Description ?? _docs.Summary(context.TypeInfo.Type)
                : null;

        // A positional record's docs live on its constructor parameters (<param>), not on the generated property.
        description ??= context.PropertyInfo?.AssociatedParameter is { } parameter
            ? _docs.Parameter(context.PropertyInfo.DeclaringType, parameter.Name)
            : null;

        if (!string.IsNullOrWhiteSpace(description)) obj.Insert(0, "description", description);
        return obj;
    }
}
