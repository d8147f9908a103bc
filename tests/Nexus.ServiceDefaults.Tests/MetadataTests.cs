using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.ServiceDefaults.Tests.Infrastructure;
using Nexus.Testing;

namespace Nexus.ServiceDefaults.Tests;

public sealed class MetadataTests
{
    [Fact]
    public async Task Metadata_Descriptor_ValidatesAgainstThePublishedSchema()
    {
        await using var service = await EchoService.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Kind"] = "speech",
            ["Nexus:Labels:gpu"] = "none",
            ["Nexus:Labels:tier"] = "standard",
        });

        var descriptor = JsonNode.Parse(await service.Client.GetStringAsync("v1/metadata"));
        var schema = JsonNode.Parse(await service.Client.GetStringAsync("v1/metadata/schema"))!;

        new JsonSchemaValidator(schema).Validate(descriptor).ShouldBeEmpty();
        descriptor!["schemaVersion"]!.GetValue<int>().ShouldBe(1);
        descriptor["name"]!.GetValue<string>().ShouldBe("nexus-servicedefaults-tests");
        descriptor["kind"]!.GetValue<string>().ShouldBe("speech");
        descriptor["labels"]!["tier"]!.GetValue<string>().ShouldBe("standard");
        descriptor["baseUrls"]![0]!.GetValue<string>().ShouldBe(service.BaseAddress.ToString().TrimEnd('/'));
        descriptor["instanceId"]!.GetValue<string>().ShouldStartWith("nexus-servicedefaults-tests-");
    }

    [Fact]
    public async Task Metadata_SchemaEndpoint_ServesTheSchemaKeptInTheRepository()
    {
        await using var service = await EchoService.StartAsync();

        var served = await service.Client.GetStringAsync("v1/metadata/schema");
        var inRepo = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot(), "Nexus.ServiceDefaults", "Contract", "service-descriptor.schema.json"));

        JsonNode.DeepEquals(JsonNode.Parse(served), JsonNode.Parse(inRepo)).ShouldBeTrue();
    }

    [Fact]
    public async Task Metadata_FunctionSchemas_AreGeneratedFromTheEndpointTypes()
    {
        await using var service = await EchoService.StartAsync();
        var serializer = service.App.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        var echo = await GetFunction(service, "echo");

        var expectedInput = serializer.GetJsonSchemaAsNode(typeof(EchoRequest), new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        PropertyNames(echo.InputSchema).ShouldBe(PropertyNames(expectedInput));
        echo.InputSchema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["text"]);
        echo.InputSchema["properties"]!["repeat"]!["type"]!.ToJsonString().ShouldContain("integer");
        PropertyNames(echo.OutputSchema!).ShouldBe(["text", "length"]);
    }

    [Fact]
    public async Task Metadata_FunctionDescriptions_ComeFromDescriptionAttributesAndXmlDocs()
    {
        await using var service = await EchoService.StartAsync();

        var echo = await GetFunction(service, "echo");

        echo.InputSchema["description"]!.GetValue<string>().ShouldBe("Text to echo back.");
        echo.InputSchema["properties"]!["text"]!["description"]!.GetValue<string>().ShouldBe("The text to repeat.");
        echo.InputSchema["properties"]!["repeat"]!["description"]!.GetValue<string>().ShouldBe("How many times to repeat the text.");
        echo.OutputSchema!["properties"]!["length"]!["description"]!.GetValue<string>().ShouldBe("Its length in characters.");
    }

    [Fact]
    public async Task Metadata_Function_CarriesRouteSummaryExamplesAndUiHints()
    {
        await using var service = await EchoService.StartAsync();

        var echo = await GetFunction(service, "echo");
        var speak = await GetFunction(service, "speak");
        var item = await GetFunction(service, "get-item");

        echo.Method.ShouldBe("POST");
        echo.Path.ShouldBe("/v1/echo");
        echo.Summary.ShouldBe("Repeats text.");
        echo.Description.ShouldBe("Repeats the given text a number of times.");
        echo.RequestContentTypes.ShouldContain("application/json");
        echo.Streaming.ShouldBe(StreamingModes.None);
        echo.Examples.Single().Input["repeat"]!.GetValue<int>().ShouldBe(2);
        echo.Examples.Single().Output!["text"]!.GetValue<string>().ShouldBe("hihi");
        echo.Ui.Order.ShouldBe(["text", "repeat"]);
        echo.Ui.Fields["text"].Widget.ShouldBe(UiWidgets.Textarea);
        echo.Ui.Fields["text"].Help.ShouldBe("What to repeat");

        speak.Streaming.ShouldBe(StreamingModes.Chunked);
        speak.ResponseContentTypes.ShouldBe(["audio/wav"]);
        speak.OutputSchema.ShouldBeNull();
        speak.Ui.Result.ShouldBe(UiWidgets.Audio);
        PropertyNames(speak.InputSchema).ShouldContain("text");

        item.Method.ShouldBe("GET");
        item.Path.ShouldBe("/v1/items/{id}");
        item.InputSchema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["id"]);
    }

    [Fact]
    public async Task Metadata_ModelCatalog_IsAskedOnEveryRequest()
    {
        var catalog = new MutableCatalog();
        await using var service = await EchoService.StartAsync(configure: builder => builder.Services.AddSingleton<IModelCatalog>(catalog));

        catalog.Models = [new ModelDescriptor { Id = "tts-1", InputModalities = ["text"], OutputModalities = ["audio"], Labels = new Dictionary<string, string> { ["tier"] = "standard" } }];
        var first = await service.Client.GetFromJsonAsync<NexusServiceDescriptor>("v1/metadata", NexusJson.Options);
        catalog.Models = [new ModelDescriptor { Id = "tts-1", Ready = false, Reason = "espeak-ng missing", OutputModalities = ["audio"] }];
        var second = await service.Client.GetFromJsonAsync<NexusServiceDescriptor>("v1/metadata", NexusJson.Options);

        first!.Models!.Single().Ready.ShouldBeTrue();
        first.Models!.Single().Labels["tier"].ShouldBe("standard");
        second!.Models!.Single().Ready.ShouldBeFalse();
        second.Models!.Single().Reason.ShouldBe("espeak-ng missing");
    }

    [Fact]
    public async Task Metadata_NoCatalog_OmitsModels()
    {
        await using var service = await EchoService.StartAsync();

        var descriptor = JsonNode.Parse(await service.Client.GetStringAsync("v1/metadata"))!.AsObject();

        descriptor.ContainsKey("models").ShouldBeFalse();
    }

    [Fact]
    public void AsNexusFunction_InvalidName_IsRefusedAtDeclaration()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Should.Throw<ArgumentException>(() => app.MapGet("/x", () => "x").AsNexusFunction("has space"));

        error.Message.ShouldContain("MCP tool name");
    }

    private static async Task<FunctionDescriptor> GetFunction(EchoService service, string name)
    {
        var descriptor = await service.Client.GetFromJsonAsync<NexusServiceDescriptor>("v1/metadata", NexusJson.Options);
        return descriptor!.Functions.Single(f => f.Name == name);
    }

    private static List<string> PropertyNames(JsonNode? schema) =>
        schema!["properties"]!.AsObject().Select(p => p.Key).ToList();

    private sealed class MutableCatalog : IModelCatalog
    {
        public IReadOnlyList<ModelDescriptor> Models { get; set; } = [];

        public ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Models);
    }
}
