using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Tests.Contract;

public sealed class JsonSchemaValidatorTests
{
    private static readonly JsonSchemaValidator Descriptor = JsonSchemaValidator.ForServiceDescriptor();

    [Fact]
    public void ServiceDescriptor_Minimal_IsValid()
    {
        Descriptor.Validate(JsonNode.Parse(MinimalDescriptor())).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("\"kind\":\"custom\"", "\"kind\":\"banana\"", "$.kind")]
    [InlineData("\"name\":\"echo\"", "\"name\":\"Echo Service\"", "$.name")]
    [InlineData("\"baseUrls\":[\"http://127.0.0.1:5000\"]", "\"baseUrls\":[\"ftp://host\"]", "$.baseUrls[0]")]
    [InlineData("\"schemaVersion\":1", "\"schemaVersion\":2", "$.schemaVersion")]
    [InlineData("\"streaming\":\"none\"", "\"streaming\":\"websocket\"", "$.functions[0].streaming")]
    public void ServiceDescriptor_BrokenField_IsReportedWithItsPath(string valid, string broken, string path)
    {
        var errors = Descriptor.Validate(JsonNode.Parse(MinimalDescriptor().Replace(valid, broken, StringComparison.Ordinal)));

        errors.ShouldContain(e => e.StartsWith(path + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void ServiceDescriptor_MissingFieldsAndExtras_AreAllReported()
    {
        var errors = Descriptor.Validate(JsonNode.Parse("""{"schemaVersion":1,"name":"x","surprise":true}"""));

        errors.ShouldContain(e => e.StartsWith("$: ", StringComparison.Ordinal) && e.Contains("\"version\"", StringComparison.Ordinal) && e.Contains("\"functions\"", StringComparison.Ordinal));
        errors.ShouldContain("$.surprise: property 'surprise' is not allowed");
    }

    [Fact]
    public void Combinators_OneOfAnyOfNotAndRefs_AreEnforced()
    {
        var schema = JsonNode.Parse("""
            {
              "definitions": { "port": { "type": "integer", "minimum": 1, "maximum": 65535 } },
              "type": "object",
              "properties": {
                "port": { "$ref": "#/definitions/port" },
                "mode": { "oneOf": [ { "const": "a" }, { "const": "b" } ] },
                "name": { "anyOf": [ { "type": "string", "minLength": 2 }, { "type": "null" } ], "not": { "const": "root" } }
              }
            }
            """)!;
        var validator = new JsonSchemaValidator(schema);

        validator.Validate(JsonNode.Parse("""{"port":8080,"mode":"a","name":null}""")).ShouldBeEmpty();
        validator.Validate(JsonNode.Parse("""{"port":70000}""")).ShouldHaveSingleItem().ShouldStartWith("$.port: ");
        validator.Validate(JsonNode.Parse("""{"mode":"c"}""")).ShouldAllBe(e => e.StartsWith("$.mode: ", StringComparison.Ordinal));
        // anyOf matched, so only the 'not' is reported, not the alternative that failed.
        validator.Validate(JsonNode.Parse("""{"name":"root"}""")).ShouldHaveSingleItem().ShouldBe("$.name: must not match the 'not' schema");
        // No alternative matched: each says why; the 'not', which passed, says nothing.
        validator.Validate(JsonNode.Parse("""{"name":"x"}""")).Count.ShouldBe(2);
    }

    [Fact]
    public void OneOf_MoreThanOneAlternativeMatches_IsReported()
    {
        var validator = new JsonSchemaValidator(JsonNode.Parse("""{ "oneOf": [ { "type": "integer" }, { "minimum": 0 } ] }""")!);

        validator.Validate(JsonNode.Parse("5")).ShouldHaveSingleItem().ShouldBe("$: matches 2 of the oneOf alternatives; exactly one must match");
        validator.Validate(JsonNode.Parse("-5")).ShouldBeEmpty();
    }

    [Fact]
    public void IfThenElse_FailingCondition_IsNotAnError()
    {
        var validator = new JsonSchemaValidator(JsonNode.Parse("""
            { "if": { "properties": { "kind": { "const": "audio" } } }, "then": { "required": ["voice"] }, "else": { "required": ["text"] } }
            """)!);

        validator.Validate(JsonNode.Parse("""{"kind":"image","text":"x"}""")).ShouldBeEmpty();
        validator.Validate(JsonNode.Parse("""{"kind":"audio"}""")).ShouldHaveSingleItem().ShouldStartWith("$: ");
    }

    [Fact]
    public void PrefixItems_FailingItemAfterThePrefix_IsReportedAtItsOwnIndex()
    {
        // JsonSchema.Net 8 locates this item at [1], shifted by the prefix's length; the wrapper reports where it is.
        var validator = new JsonSchemaValidator(JsonNode.Parse("""
            { "type": "object", "properties": { "row": { "prefixItems": [ { "type": "string" }, { "type": "string" } ],
              "items": { "type": "object", "properties": { "n": { "type": "integer" } } } } } }
            """)!);

        var errors = validator.Validate(JsonNode.Parse("""{"row":["a","b",{"n":1},{"n":"two"}]}"""));

        errors.ShouldHaveSingleItem().ShouldStartWith("$.row[3].n: ");
    }

    [Fact]
    public void SameSchemaId_TwoValidators_DoNotCollide()
    {
        var schema = JsonNode.Parse("""{ "$id": "https://example.test/thing.json", "type": "string" }""")!;

        new JsonSchemaValidator(schema).Validate(JsonNode.Parse("\"a\"")).ShouldBeEmpty();
        new JsonSchemaValidator(schema.DeepClone()).Validate(JsonNode.Parse("1")).ShouldHaveSingleItem().ShouldStartWith("$: ");
    }

    private static string MinimalDescriptor() => """
        {"schemaVersion":1,"name":"echo","version":"1.0.0","kind":"custom","instanceId":"echo-1","labels":{},
         "baseUrls":["http://127.0.0.1:5000"],
         "functions":[{"name":"echo","method":"POST","path":"/v1/echo","inputSchema":{"type":"object"},
           "requestContentTypes":["application/json"],"responseContentTypes":["application/json"],
           "streaming":"none","examples":[],"ui":{}}]}
        """;
}
