using System.Net;
using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Tests.ComfyUI;

public sealed class ComfyUIWorkflowTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"nexus-workflow-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task Generate_OperatorWorkflow_FillsItsPlaceholdersWithTypedValues()
    {
        File.WriteAllText(_file, Workflow("{{prompt}}, watercolour", "{{batch_size}}"));
        await using var comfy = await new FakeComfyUI().StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy, new Dictionary<string, string?> { ["Image:ComfyUIWorkflowFile"] = _file });

        var (response, body) = await service.GenerateAsync(new { prompt = "a harbour", model = "comfyui/v1-5-pruned-emaonly.safetensors", size = "128x64", n = 2, seed = 7 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["data"]!.AsArray().Count.ShouldBe(2);
        var graph = comfy.Queued.ShouldHaveSingleItem();
        graph.Node("CLIPTextEncode")["text"]!.GetValue<string>().ShouldBe("a harbour, watercolour");
        graph.Node("CheckpointLoaderSimple")["ckpt_name"]!.GetValue<string>().ShouldBe("v1-5-pruned-emaonly.safetensors");
        graph.Node("EmptyLatentImage")["width"]!.GetValue<int>().ShouldBe(128);
        graph.Node("EmptyLatentImage")["batch_size"]!.GetValue<int>().ShouldBe(2);
        graph.Node("KSampler")["seed"]!.GetValue<long>().ShouldBe(7);
    }

    [Fact]
    public async Task Generate_WorkflowIgnoringBatchSize_Returns502SayingSo()
    {
        File.WriteAllText(_file, Workflow("{{prompt}}", 1));
        await using var comfy = await new FakeComfyUI().StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy, new Dictionary<string, string?> { ["Image:ComfyUIWorkflowFile"] = _file });

        var (response, body) = await service.GenerateAsync(new { prompt = "a harbour", model = "comfyui/v1-5-pruned-emaonly.safetensors", size = "64x64", n = 3 });

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        body!["error"]!["message"]!.GetValue<string>().ShouldContain("{{batch_size}}");
    }

    /// <summary>ComfyUI's txt2img example as "Export (API)" writes it, with placeholders where values vary.</summary>
    private static string Workflow(string text, JsonNode batchSize) => new JsonObject
    {
        ["4"] = Node("CheckpointLoaderSimple", new JsonObject { ["ckpt_name"] = "{{model}}" }),
        ["6"] = Node("CLIPTextEncode", new JsonObject { ["text"] = text, ["clip"] = new JsonArray("4", 1) }),
        ["5"] = Node("EmptyLatentImage", new JsonObject { ["width"] = "{{width}}", ["height"] = "{{height}}", ["batch_size"] = batchSize }),
        ["3"] = Node("KSampler", new JsonObject
        {
            ["seed"] = "{{seed}}", ["steps"] = "{{steps}}", ["cfg"] = "{{cfg}}", ["sampler_name"] = "{{sampler}}", ["scheduler"] = "karras", ["denoise"] = 1,
            ["model"] = new JsonArray("4", 0), ["positive"] = new JsonArray("6", 0), ["negative"] = new JsonArray("6", 0), ["latent_image"] = new JsonArray("5", 0),
        }),
        ["8"] = Node("VAEDecode", new JsonObject { ["samples"] = new JsonArray("3", 0), ["vae"] = new JsonArray("4", 2) }),
        ["9"] = Node("SaveImage", new JsonObject { ["filename_prefix"] = "harbour", ["images"] = new JsonArray("8", 0) }),
    }.ToJsonString();

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };
}
