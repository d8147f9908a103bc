using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nexus.Services.Image.Backends;
using Nexus.Testing;

namespace Nexus.Services.Image.Tests.ComfyUI;

/// <summary>What the fake does with a valid prompt once it is queued.</summary>
internal enum FakeOutcome
{
    Succeed,
    FailExecution,
    RunUntilInterrupted,
}

/// <summary>
/// Speaks ComfyUI's HTTP API on real Kestrel: <c>/object_info/{node}</c>, <c>POST /prompt</c> (validated as ComfyUI does),
/// <c>/history/{id}</c> (empty for <see cref="PendingPolls"/> polls, then the outputs), <c>/view</c> (real PNGs of the
/// latent's size), <c>/queue</c> and <c>/interrupt</c>.
/// </summary>
internal sealed class FakeComfyUI : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public string Url { get; private set; } = "";
    public IReadOnlyList<string> Checkpoints { get; init; } = ["sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"];

    /// <summary>Newer servers describe combo inputs as <c>["COMBO", {"options": [...]}]</c>.</summary>
    public bool ComboFormat { get; init; }
    public FakeOutcome Outcome { get; init; }
    public int PendingPolls { get; init; } = 2;

    public ConcurrentQueue<JsonObject> Queued { get; } = new();
    public ConcurrentQueue<string> Deleted { get; } = new();
    public TaskCompletionSource<string> Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<string> Interrupted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int HistoryPolls => _jobs.Values.Sum(j => j.Polls);

    public async Task<FakeComfyUI> StartAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/object_info/{node}", (string node) => node == "CheckpointLoaderSimple" ? Results.Json(ObjectInfo()) : Results.Json(new { }));
        _app.MapPost("/prompt", (HttpRequest request) => QueueAsync(request));
        _app.MapGet("/history/{id}", History);
        _app.MapGet("/view", (string filename, string subfolder, string type) =>
            _files.TryGetValue($"{type}/{subfolder}/{filename}", out var png) ? Results.Bytes(png, "image/png") : Results.NotFound());
        _app.MapGet("/queue", () => new JsonObject
        {
            ["queue_running"] = new JsonArray(_jobs.Where(j => j.Value.State == "running").Select(j => (JsonNode)new JsonArray(0, j.Key, new JsonObject(), new JsonObject(), new JsonArray())).ToArray()),
            ["queue_pending"] = new JsonArray(),
        });
        _app.MapPost("/queue", async (HttpContext context) =>
        {
            foreach (var id in (await JsonNode.ParseAsync(context.Request.Body))?["delete"]?.AsArray() ?? []) Deleted.Enqueue(id!.GetValue<string>());
            return Results.Ok();
        });
        _app.MapPost("/interrupt", async (HttpContext context) =>
        {
            var id = (await JsonNode.ParseAsync(context.Request.Body))?["prompt_id"]?.GetValue<string>();
            if (id is not null && _jobs.TryGetValue(id, out var job)) job.State = "interrupted";
            Interrupted.TrySetResult(id ?? "");
            return Results.Ok();
        });
        Url = (await TestWebHost.StartAsync(_app)).ToString().TrimEnd('/');
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await TestWebHost.StopAsync(_app);
    }

    private JsonObject ObjectInfo()
    {
        var names = new JsonArray(Checkpoints.Select(c => (JsonNode)c).ToArray());
        JsonArray ckpt = ComboFormat ? new("COMBO", new JsonObject { ["options"] = names }) : new(names, new JsonObject { ["tooltip"] = "The name of the checkpoint (model) to load." });
        return new JsonObject
        {
            ["CheckpointLoaderSimple"] = new JsonObject
            {
                ["input"] = new JsonObject { ["required"] = new JsonObject { ["ckpt_name"] = ckpt } },
                ["output"] = new JsonArray("MODEL", "CLIP", "VAE"),
                ["name"] = "CheckpointLoaderSimple",
                ["output_node"] = false,
            },
        };
    }

    private async Task<IResult> QueueAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        if (body?["prompt"] is not JsonObject prompt) return Results.Json(new JsonObject { ["error"] = "no prompt", ["node_errors"] = new JsonArray() }, statusCode: 400);
        if (FakeComfyUINodes.Validate(prompt, Checkpoints) is { } rejection) return Results.Json(rejection, statusCode: 400);

        Queued.Enqueue(prompt);
        var id = Guid.NewGuid().ToString();
        _jobs[id] = new Job(prompt) { State = Outcome == FakeOutcome.RunUntilInterrupted ? "running" : "pending" };
        if (Outcome == FakeOutcome.RunUntilInterrupted) Running.TrySetResult(id);
        return Results.Json(new JsonObject { ["prompt_id"] = id, ["number"] = _jobs.Count, ["node_errors"] = new JsonObject() });
    }

    private JsonObject History(string id)
    {
        if (!_jobs.TryGetValue(id, out var job)) return [];
        if (job.State == "running" || Interlocked.Increment(ref job.Polls) <= PendingPolls) return [];
        var entry = job.State == "interrupted" ? Failed(id, "execution_interrupted", new JsonObject())
            : Outcome == FakeOutcome.FailExecution ? Failed(id, "execution_error", new JsonObject { ["exception_message"] = "CUDA out of memory. Tried to allocate 2.00 GiB", ["exception_type"] = "torch.OutOfMemoryError" })
            : Succeeded(job.Graph);
        entry["prompt"] = new JsonArray(0, id, job.Graph.DeepClone(), new JsonObject(), new JsonArray());
        return new JsonObject { [id] = entry };
    }

    private JsonObject Succeeded(JsonObject graph)
    {
        var latent = graph.First(n => n.Value!["class_type"]!.GetValue<string>() == "EmptyLatentImage").Value!["inputs"]!;
        var (width, height, batch) = (latent["width"]!.GetValue<int>(), latent["height"]!.GetValue<int>(), latent["batch_size"]!.GetValue<int>());
        var save = graph.First(n => n.Value!["class_type"]!.GetValue<string>() == "SaveImage");
        var images = new JsonArray();
        for (var i = 0; i < batch; i++)
        {
            var name = $"{save.Value!["inputs"]!["filename_prefix"]!.GetValue<string>()}_{_files.Count + 1:00000}_.png";
            var rgb = new byte[width * height * 3];
            Array.Fill(rgb, (byte)(40 * (i + 1)));
            _files[$"output//{name}"] = PngWriter.Encode(width, height, rgb);
            images.Add(new JsonObject { ["filename"] = name, ["subfolder"] = "", ["type"] = "output" });
        }

        return new JsonObject
        {
            ["outputs"] = new JsonObject { [save.Key] = new JsonObject { ["images"] = images } },
            ["status"] = new JsonObject { ["status_str"] = "success", ["completed"] = true, ["messages"] = new JsonArray(Message("execution_start", []), Message("execution_success", [])) },
        };
    }

    private static JsonObject Failed(string id, string kind, JsonObject details)
    {
        details["prompt_id"] = id;
        details["node_id"] = "3";
        details["node_type"] = "KSampler";
        return new JsonObject
        {
            ["outputs"] = new JsonObject(),
            ["status"] = new JsonObject { ["status_str"] = "error", ["completed"] = false, ["messages"] = new JsonArray(Message("execution_start", []), Message(kind, details)) },
        };
    }

    private static JsonArray Message(string kind, JsonObject data) => new(kind, data);

    private sealed class Job(JsonObject graph)
    {
        public JsonObject Graph { get; } = graph;
        public volatile string State = "pending";
        public int Polls;
    }
}
