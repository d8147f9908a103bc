using System.Net;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Image.Tests.InvokeAI;

/// <summary>The InvokeAI backend against a fake that speaks InvokeAI's HTTP API.</summary>
public sealed class InvokeAITests
{
    private static Task<TestService> StartAsync(FakeInvokeAI invoke, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Image:InvokeAIUrl"] = invoke.Url,
            ["Image:PollInterval"] = "00:00:00.010",
            ["Image:ProceduralDev"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return ImageHost.StartAsync(all);
    }

    private static async Task<(HttpResponseMessage Response, JsonNode? Body)> GenerateAsync(TestService service, object request, CancellationToken cancellationToken = default)
    {
        var response = await service.Http.PostAsJsonAsync("v1/images/generations", request, cancellationToken);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)));
    }

    private static JsonObject Nodes(JsonObject enqueued) => enqueued["batch"]!["graph"]!["nodes"]!.AsObject();

    [Fact]
    public async Task Catalog_ListsMainModels_ReadyForTheBasesTheGraphServes()
    {
        await using var invoke = await new FakeInvokeAI().StartAsync();
        await using var service = await StartAsync(invoke);

        var metadata = await service.Http.GetFromJsonAsync<JsonObject>("v1/metadata");

        var models = metadata!["models"]!.AsArray().Select(m => m!.AsObject()).ToDictionary(m => m["id"]!.GetValue<string>());
        models.Keys.Order().ShouldBe(["invokeai/flux-dev", "invokeai/sdxl-base-1.0", "invokeai/stable-diffusion-v1-5"]);
        models["invokeai/sdxl-base-1.0"]["ready"]!.GetValue<bool>().ShouldBeTrue();
        models["invokeai/sdxl-base-1.0"]["labels"]!["base"]!.GetValue<string>().ShouldBe("sdxl");
        models["invokeai/sdxl-base-1.0"]["ownedBy"]?.GetValue<string>().ShouldBe("invokeai");
        models["invokeai/flux-dev"]["ready"]!.GetValue<bool>().ShouldBeFalse();
        models["invokeai/flux-dev"]["reason"]!.GetValue<string>().ShouldContain("flux");
    }

    [Fact]
    public async Task Generate_Sd15Model_EnqueuesTheTextToImageBatchAndReturnsAPngOfTheRequestedSize()
    {
        await using var invoke = await new FakeInvokeAI().StartAsync();
        await using var service = await StartAsync(invoke);

        var (response, body) = await GenerateAsync(service, new { prompt = "a red fox", model = "invokeai/stable-diffusion-v1-5", size = "512x768", seed = 1234 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var png = Convert.FromBase64String(body!["data"]![0]!["b64_json"]!.GetValue<string>());
        Png.Dimensions(png).ShouldBe((512, 768));
        Png.DecodedPixelBytes(png).ShouldBe(768 * ((512 * 3) + 1));
        var enqueued = invoke.Enqueued.ShouldHaveSingleItem();
        var nodes = Nodes(enqueued);
        nodes["model_loader"]!["type"]!.GetValue<string>().ShouldBe("main_model_loader");
        nodes["model_loader"]!["model"]!["key"]!.GetValue<string>().ShouldBe("3f1c-sd15");
        nodes["positive"]!["prompt"]!.GetValue<string>().ShouldBe("a red fox");
        nodes["denoise"]!["steps"]!.GetValue<int>().ShouldBe(20);
        enqueued["batch"]!["data"]![0]![0]!["items"]!.AsArray().Select(i => i!.GetValue<long>()).ShouldBe([1234L]);
        invoke.StatusPolls.ShouldBeGreaterThan(invoke.PendingPolls);
    }

    [Fact]
    public async Task Generate_TwoSdxlImages_OneQueueItemPerSeed_TwoDifferentImages()
    {
        await using var invoke = await new FakeInvokeAI().StartAsync();
        await using var service = await StartAsync(invoke);

        var (response, body) = await GenerateAsync(service, new { prompt = "two cats", model = "invokeai/sdxl-base-1.0", size = "64x96", n = 2, seed = 7 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        var nodes = Nodes(invoke.Enqueued.ShouldHaveSingleItem());
        nodes["model_loader"]!["type"]!.GetValue<string>().ShouldBe("sdxl_model_loader");
        nodes["positive"]!["type"]!.GetValue<string>().ShouldBe("sdxl_compel_prompt");
        var pngs = body!["data"]!.AsArray().Select(d => Convert.FromBase64String(d!["b64_json"]!.GetValue<string>())).ToList();
        pngs.Count.ShouldBe(2);
        foreach (var png in pngs) Png.Dimensions(png).ShouldBe((64, 96));
        pngs[0].ShouldNotBe(pngs[1]);
    }

    [Fact]
    public async Task Generate_JobFailsInInvokeAI_Returns502WithInvokeAIsMessage()
    {
        await using var invoke = await new FakeInvokeAI { Outcome = InvokeOutcome.Fail }.StartAsync();
        await using var service = await StartAsync(invoke);

        var (response, body) = await GenerateAsync(service, new { prompt = "too big", model = "invokeai/stable-diffusion-v1-5", size = "64x64" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        body!["error"]!["message"]!.GetValue<string>().ShouldContain("CUDA out of memory");
        body["error"]!["code"]!.GetValue<string>().ShouldBe("engine_error");
    }

    [Fact]
    public async Task Generate_GraphRefused_Returns502WithInvokeAIsValidationMessage()
    {
        // An InvokeAI without the SDXL prompt node (an older or trimmed build) refuses the graph with FastAPI's 422.
        await using var invoke = await new FakeInvokeAI { MissingNodes = ["sdxl_compel_prompt"] }.StartAsync();
        await using var service = await StartAsync(invoke);

        var (response, body) = await GenerateAsync(service, new { prompt = "a lighthouse", model = "invokeai/sdxl-base-1.0", size = "64x64" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway, body?.ToJsonString());
        body!["error"]!["message"]!.GetValue<string>().ShouldBe("InvokeAI refused /api/v1/queue/default/enqueue_batch: body.batch.graph: Node positive: unknown invocation type 'sdxl_compel_prompt'");
        invoke.Enqueued.ShouldBeEmpty();
    }

    [Fact]
    public async Task Generate_TimesOut_CancelsTheBatchInInvokeAIAndReturns503()
    {
        await using var invoke = await new FakeInvokeAI { Outcome = InvokeOutcome.RunUntilCanceled }.StartAsync();
        await using var service = await StartAsync(invoke, new Dictionary<string, string?> { ["Image:GenerationTimeout"] = "00:00:01" });

        var (response, body) = await GenerateAsync(service, new { prompt = "forever", model = "invokeai/stable-diffusion-v1-5", size = "64x64" });

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body?.ToJsonString());
        body!["error"]!["message"]!.GetValue<string>().ShouldContain("canceled");
        var batchId = invoke.Enqueued.ShouldHaveSingleItem()["batch"]!["batch_id"]?.GetValue<string>();
        invoke.Canceled.ShouldHaveSingleItem().ShouldBe(batchId);
    }

    [Fact]
    public async Task Generate_ClientCancels_CancelsTheRunningBatchInInvokeAI()
    {
        await using var invoke = await new FakeInvokeAI { Outcome = InvokeOutcome.RunUntilCanceled }.StartAsync();
        await using var service = await StartAsync(invoke);
        using var cancel = new CancellationTokenSource();

        var request = service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "a slow sunset", model = "invokeai/sdxl-base-1.0", size = "64x64" }, cancel.Token);
        await invoke.Running.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(request);
        var batchId = invoke.Enqueued.ShouldHaveSingleItem()["batch"]!["batch_id"]!.GetValue<string>();
        await Eventually.WaitAsync(() => Task.FromResult(invoke.Canceled.ToArray()), c => c.Contains(batchId), "the batch to be canceled", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Catalog_InvokeAIUnreachable_ListsItNotReady_AndGenerationIs503()
    {
        var port = LocalServer.FreePort();
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?>
        {
            ["Image:InvokeAIUrl"] = $"http://127.0.0.1:{port}",
            ["Image:ProceduralDev"] = "false",
            ["Image:RequestTimeout"] = "00:00:02",
        });

        var metadata = await service.Http.GetFromJsonAsync<JsonObject>("v1/metadata");
        var (response, body) = await GenerateAsync(service, new { prompt = "x", model = "invokeai/stable-diffusion-v1-5", size = "64x64" });

        var entry = metadata!["models"]!.AsArray().ShouldHaveSingleItem()!;
        entry["id"]!.GetValue<string>().ShouldBe("invokeai");
        entry["ready"]!.GetValue<bool>().ShouldBeFalse();
        entry["reason"]!.GetValue<string>().ShouldContain("unreachable");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body!["error"]!["message"]!.GetValue<string>().ShouldContain("InvokeAI");
    }
}
