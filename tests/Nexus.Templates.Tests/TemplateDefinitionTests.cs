using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.Templates.Tests;

public sealed class TemplateDefinitionTests
{
    private static readonly string TemplateJson = Path.Combine(Repository.Root, "Nexus.Templates", "templates", "nexus-service", ".template.config", "template.json");

    [Fact]
    public void TemplateJson_ValidatesAgainstThePublicSchema()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Repository.Schema("dotnet-template.json")))!;

        var errors = new JsonSchemaValidator(schema).Validate(JsonNode.Parse(File.ReadAllText(TemplateJson)));

        errors.ShouldBeEmpty();
    }

    [Fact]
    public void TemplateJson_OffersTheOptionsPeopleWant()
    {
        var template = JsonNode.Parse(File.ReadAllText(TemplateJson))!;

        template["shortName"]!.GetValue<string>().ShouldBe("nexus-service");
        var symbols = template["symbols"]!.AsObject().Select(s => s.Key).ToList();
        symbols.ShouldContain("Framework");
        symbols.ShouldContain("port");
        symbols.ShouldContain("kind");
        symbols.ShouldContain("tests");
    }
}
