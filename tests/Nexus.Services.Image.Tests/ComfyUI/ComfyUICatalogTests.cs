using System.Net;
using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Tests.ComfyUI;

public sealed class ComfyUICatalogTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Metadata_ComfyUIConfigured_ListsItsCheckpointsUnderItsPrefix(bool comboFormat)
    {
        await using var comfy = await new FakeComfyUI { ComboFormat = comboFormat }.StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy);

        var models = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!["models"]!.AsArray();

        models.Select(m => m!["id"]!.GetValue<string>()).ShouldBe(["comfyui/sd_xl_base_1.0.safetensors", "comfyui/v1-5-pruned-emaonly.safetensors"]);
        models.ShouldAllBe(m => m!["ready"]!.GetValue<bool>() && m["ownedBy"]!.GetValue<string>() == "comfyui");
    }

    [Fact]
    public async Task Metadata_ComfyUIUnreachable_ShowsItNotReadyWithTheReason()
    {
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?> { ["Image:ComfyUIUrl"] = "http://127.0.0.1:9", ["Image:ProceduralDev"] = "false" });

        var model = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!["models"]!.AsArray().Single()!;
        using var health = await service.Http.GetAsync("health");

        model["id"]!.GetValue<string>().ShouldBe("comfyui");
        model["ready"]!.GetValue<bool>().ShouldBeFalse();
        model["reason"]!.GetValue<string>().ShouldContain("ComfyUI at http://127.0.0.1:9 is unreachable");
        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Theory]
    [InlineData("comfyui/sd_xl_base_1.0.safetensors")]
    [InlineData("comfyui")]
    public async Task Generate_ComfyUIUnreachable_Returns503InOpenAIEnvelope(string model)
    {
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?> { ["Image:ComfyUIUrl"] = "http://127.0.0.1:9" });

        var (response, body) = await service.GenerateAsync(new { prompt = "a lighthouse", model, size = "64x64" });

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body!["error"]!["type"]!.GetValue<string>().ShouldBe("service_unavailable");
        body["error"]!["message"]!.GetValue<string>().ShouldContain("unreachable");
    }
}
