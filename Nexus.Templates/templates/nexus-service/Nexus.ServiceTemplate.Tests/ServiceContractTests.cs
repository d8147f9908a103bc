using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Nexus.Contract;
using Nexus.ServiceTemplate.Apis;

namespace Nexus.ServiceTemplate.Tests;

public sealed class ServiceContractTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Analyze_Text_CountsCharactersWordsAndSentences()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/analyze", new AnalyzeTextRequest { Text = "Hello there. How are you?" });

        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<AnalyzeTextResponse>();
        Assert.Equal(new AnalyzeTextResponse(25, 5, 2), result);
    }

    [Fact]
    public async Task Analyze_EmptyText_Returns400()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/analyze", new AnalyzeTextRequest { Text = " " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Metadata_Descriptor_ValidatesAndDeclaresTheFunction()
    {
        using var client = factory.CreateClient();

        var descriptor = JsonNode.Parse(await client.GetStringAsync("/v1/metadata"));

        Assert.Empty(JsonSchemaValidator.ForServiceDescriptor().Validate(descriptor));
        var function = descriptor!["functions"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "analyze-text")!;
        Assert.Equal("/v1/analyze", function["path"]!.GetValue<string>());
        Assert.Equal("The text to analyse.", function["inputSchema"]!["properties"]!["text"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_NoEngineRequired_IsReady()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
