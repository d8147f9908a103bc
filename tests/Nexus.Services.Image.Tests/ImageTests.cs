using System.Net;
using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Tests;

public sealed class ImageTests
{
    [Fact]
    public async Task ProceduralDev_ProducesRealPngsOfTheRequestedSize()
    {
        await using var service = await ImageHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "ocean waves", model = "procedural-dev", size = "320x200", n = 2 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        data.Count.ShouldBe(2);
        var png = Convert.FromBase64String(data[0]!["b64_json"]!.GetValue<string>());
        Png.Dimensions(png).ShouldBe((320, 200));
        Png.DecodedPixelBytes(png).ShouldBe(200 * ((320 * 3) + 1));
        data[0]!["b64_json"]!.GetValue<string>().ShouldNotBe(data[1]!["b64_json"]!.GetValue<string>());
    }

    [Fact]
    public async Task Url_ServesTheStoredImage()
    {
        await using var service = await ImageHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "a circle", model = "procedural-dev", size = "64x64", response_format = "url" });
        var url = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["url"]!.GetValue<string>();
        using var file = await service.Http.GetAsync(url);

        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        Png.Dimensions(await file.Content.ReadAsByteArrayAsync()).ShouldBe((64, 64));
    }

    [Fact]
    public async Task Automatic1111_GenerationAndCatalogGoThroughItsApi()
    {
        await using var a1111 = await FakeAutomatic1111.StartAsync();
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?> { ["Image:Automatic1111Url"] = a1111.Url });

        var models = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());
        using var response = await service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "a red fox", model = "sdxl_base", size = "512x768" });

        models.ShouldContain("sdxl_base");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        a1111.LastRequest!["prompt"]!.GetValue<string>().ShouldBe("a red fox");
        a1111.LastRequest["width"]!.GetValue<int>().ShouldBe(512);
        a1111.LastRequest["height"]!.GetValue<int>().ShouldBe(768);
        a1111.LastRequest["override_settings"]!["sd_model_checkpoint"]!.GetValue<string>().ShouldBe("sdxl_base");
        var png = Convert.FromBase64String(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["b64_json"]!.GetValue<string>());
        Png.Dimensions(png).ShouldBe((8, 8));
    }

    [Fact]
    public async Task Automatic1111Down_ItsModelIsNotReadyWithTheReason()
    {
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?> { ["Image:Automatic1111Url"] = "http://127.0.0.1:9", ["Image:ProceduralDev"] = "false" });

        using var health = await service.Http.GetAsync("health");
        using var response = await service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "x", model = "automatic1111", size = "64x64" });

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("unreachable");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Theory]
    [InlineData("""{"model":"procedural-dev","size":"64x64"}""", 400, "prompt")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","size":"100x100"}""", 400, "size")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","size":"huge"}""", 400, "size")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","n":9}""", 400, "n")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","response_format":"gif"}""", 400, "response_format")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","seed":-1}""", 400, "seed")]
    [InlineData("""{"prompt":"x","model":"dall-e-3"}""", 404, "model")]
    public async Task BadRequest_GetsOpenAIErrorNamingTheField(string body, int status, string param)
    {
        await using var service = await ImageHost.StartAsync();

        using var response = await service.Http.PostAsync("v1/images/generations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).ShouldBe(status);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>().ShouldBe(param);
    }
}
