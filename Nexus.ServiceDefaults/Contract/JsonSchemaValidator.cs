using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Nexus.Contract;

/// <summary>
/// Validates JSON against a JSON Schema with JsonSchema.Net (draft 2020-12 unless the schema's <c>$schema</c> names
/// another draft; <c>format</c> is an annotation, as 2020-12 says). What this wrapper adds to the library: the schema is
/// parsed once, into a registry of its own (so two schemas with one <c>$id</c> never collide), and the verdict comes back
/// as the contract's error strings, <c>path: message</c>, every error that explains the failure and none from branches
/// that did not decide it (see <see cref="SchemaErrors"/>).
/// </summary>
public sealed class JsonSchemaValidator
{
    private static readonly Lazy<JsonSchemaValidator> Descriptor = new(() => new JsonSchemaValidator(ReadEmbeddedSchema()));
    private static readonly EvaluationOptions Hierarchical = new() { OutputFormat = OutputFormat.Hierarchical };
    private static readonly JsonElement JsonNull = JsonDocument.Parse("null").RootElement.Clone();
    private readonly JsonSchema _schema;

    public JsonSchemaValidator(JsonNode schema)
        : this((schema ?? throw new ArgumentNullException(nameof(schema))).ToJsonString())
    {
    }

    private JsonSchemaValidator(string schemaText) =>
        _schema = JsonSchema.FromText(schemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });

    /// <summary>The published schema of the service descriptor, as served at <c>/v1/metadata/schema</c>.</summary>
    public static string ServiceDescriptorSchemaText => field ??= ReadEmbeddedSchema();

    /// <summary>The validator for the service descriptor, parsed once per process.</summary>
    public static JsonSchemaValidator ForServiceDescriptor() => Descriptor.Value;

    /// <summary>Validates an instance; returns every error found as <c>path: message</c>, empty when valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode? instance) =>
        Validate(instance is null ? JsonNull : JsonSerializer.SerializeToElement(instance));

    /// <summary>Validates an instance; returns every error found as <c>path: message</c>, empty when valid.</summary>
    public IReadOnlyList<string> Validate(JsonElement instance)
    {
        var results = _schema.Evaluate(instance, Hierarchical);
        return results.IsValid ? [] : SchemaErrors.Collect(results, instance);
    }

    private static string ReadEmbeddedSchema()
    {
        using var stream = typeof(JsonSchemaValidator).Assembly.GetManifestResourceStream("Nexus.Contract.service-descriptor.schema.json")
            ?? throw new InvalidOperationException("The service descriptor schema is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
