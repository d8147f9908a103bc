using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Tests;

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

        errors.ShouldContain(e => e.Contains("'version'", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("'functions'", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("'surprise' is not allowed", StringComparison.Ordinal));
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
        validator.Validate(JsonNode.Parse("""{"port":70000}""")).ShouldHaveSingleItem().ShouldStartWith("$.port");
        validator.Validate(JsonNode.Parse("""{"mode":"c"}""")).ShouldHaveSingleItem().ShouldStartWith("$.mode");
        validator.Validate(JsonNode.Parse("""{"name":"root"}""")).ShouldHaveSingleItem().ShouldStartWith("$.name");
        validator.Validate(JsonNode.Parse("""{"name":"x"}""")).ShouldHaveSingleItem().ShouldStartWith("$.name");
    }

    private static string MinimalDescriptor() => """
        {"schemaVersion":1,"name":"echo","version":"1.0.0","kind":"custom","instanceId":"echo-1","labels":{},
         "baseUrls":["http://127.0.0.1:5000"],
         "functions":[{"name":"echo","method":"POST","path":"/v1/echo","inputSchema":{"type":"object"},
           "requestContentTypes":["application/json"],"responseContentTypes":["application/json"],
           "streaming":"none","examples":[],"ui":{}}]}
        """;
}
