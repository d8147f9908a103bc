namespace Nexus.Services.Image.Tests.ComfyUI;

public sealed class ComfyUICancellationTests
{
    [Fact]
    public async Task Generate_ClientCancels_RemovesAndInterruptsTheRunningPrompt()
    {
        await using var comfy = await new FakeComfyUI { Outcome = FakeOutcome.RunUntilInterrupted }.StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy);
        using var cancel = new CancellationTokenSource();

        var request = service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "a slow sunset", model = "comfyui/sd_xl_base_1.0.safetensors", size = "64x64" }, cancel.Token);
        var promptId = await comfy.Running.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(request);
        (await comfy.Interrupted.Task.WaitAsync(TimeSpan.FromSeconds(20))).ShouldBe(promptId);
        comfy.Deleted.ShouldContain(promptId);
    }
}
