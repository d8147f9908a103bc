using System.Net;

namespace Nexus.Services.Image.Tests.ComfyUI;

public sealed class ComfyUIFailureTests
{
    [Fact]
    public async Task Generate_GraphComfyUIRejects_Returns502WithTheNodeErrors()
    {
        await using var comfy = await new FakeComfyUI().StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy, new Dictionary<string, string?> { ["Image:ComfyUISampler"] = "euler_turbo" });

        var (response, body) = await service.GenerateAsync(new { prompt = "a boat", model = "comfyui/sd_xl_base_1.0.safetensors", size = "64x64" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        body!["error"]!["type"]!.GetValue<string>().ShouldBe("service_unavailable");
        var message = body["error"]!["message"]!.GetValue<string>();
        message.ShouldContain("Prompt outputs failed validation");
        message.ShouldContain("node 3 (KSampler)");
        message.ShouldContain("sampler_name: 'euler_turbo' not in");
        comfy.Queued.ShouldBeEmpty();
    }

    [Fact]
    public async Task Generate_ExecutionFails_Returns502WithTheEngineMessage()
    {
        await using var comfy = await new FakeComfyUI { Outcome = FakeOutcome.FailExecution }.StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy);

        var (response, body) = await service.GenerateAsync(new { prompt = "a castle", model = "comfyui/sd_xl_base_1.0.safetensors", size = "1024x1024" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        body!["error"]!["message"]!.GetValue<string>().ShouldBe("ComfyUI failed the prompt at node 3 (KSampler): torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB");
    }

    [Fact]
    public async Task Generate_CheckpointNotInTheCatalog_Returns404NamingTheModels()
    {
        await using var comfy = await new FakeComfyUI().StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy);

        var (response, body) = await service.GenerateAsync(new { prompt = "a tree", model = "comfyui/missing.safetensors", size = "64x64" });

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        body!["error"]!["message"]!.GetValue<string>().ShouldContain("comfyui/sd_xl_base_1.0.safetensors");
    }
}
