using System.Net;

namespace Nexus.Services.Image.Tests.ComfyUI;

public sealed class ComfyUIGenerationTests
{
    [Fact]
    public async Task Generate_ComfyUIModel_QueuesTheTxt2ImgGraphAndReturnsPngsOfTheRequestedSize()
    {
        await using var comfy = await new FakeComfyUI().StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy);

        var (response, body) = await service.GenerateAsync(new { prompt = "a red fox", model = "comfyui/sd_xl_base_1.0.safetensors", size = "512x768", seed = 1234 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var png = Convert.FromBase64String(body!["data"]![0]!["b64_json"]!.GetValue<string>());
        Png.Dimensions(png).ShouldBe((512, 768));
        Png.DecodedPixelBytes(png).ShouldBe(768 * ((512 * 3) + 1));
        var graph = comfy.Queued.ShouldHaveSingleItem();
        graph.Node("CheckpointLoaderSimple")["ckpt_name"]!.GetValue<string>().ShouldBe("sd_xl_base_1.0.safetensors");
        graph.Node("KSampler")["seed"]!.GetValue<long>().ShouldBe(1234);
        comfy.HistoryPolls.ShouldBeGreaterThan(comfy.PendingPolls);
    }

    [Fact]
    public async Task Generate_TwoImagesAsUrls_BatchesOnePromptAndServesBothImages()
    {
        await using var comfy = await new FakeComfyUI().StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy);

        var (response, body) = await service.GenerateAsync(new { prompt = "two cats", model = "comfyui/v1-5-pruned-emaonly.safetensors", size = "64x96", n = 2, response_format = "url" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        comfy.Queued.ShouldHaveSingleItem().Node("EmptyLatentImage")["batch_size"]!.GetValue<int>().ShouldBe(2);
        var pngs = new List<byte[]>();
        foreach (var item in body!["data"]!.AsArray()) pngs.Add(await service.Http.GetByteArrayAsync(item!["url"]!.GetValue<string>()));
        pngs.Count.ShouldBe(2);
        foreach (var png in pngs) Png.Dimensions(png).ShouldBe((64, 96));
        pngs[0].ShouldNotBe(pngs[1]);
    }

    [Fact]
    public async Task Generate_NoSeedGiven_SendsARandomSeedPerRequest()
    {
        await using var comfy = await new FakeComfyUI { PendingPolls = 0 }.StartAsync();
        await using var service = await ComfyUITestHost.StartAsync(comfy);

        for (var i = 0; i < 3; i++) (await service.GenerateAsync(new { prompt = "noise", size = "64x64" })).Response.StatusCode.ShouldBe(HttpStatusCode.OK);

        comfy.Queued.Select(g => g.Node("KSampler")["seed"]!.GetValue<long>()).Distinct().Count().ShouldBeGreaterThan(1);
    }
}
