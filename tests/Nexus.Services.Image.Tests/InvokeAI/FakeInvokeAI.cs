using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nexus.Services.Image.Backends;
using Nexus.Testing;

namespace Nexus.Services.Image.Tests.InvokeAI;

/// <summary>What the fake does with a batch once it is enqueued.</summary>
internal enum InvokeOutcome
{
    Succeed,
    Fail,
    RunUntilCanceled,
}

/// <summary>
/// Speaks InvokeAI's HTTP API on real Kestrel: <c>GET /api/v2/models/</c> and <c>/api/v2/models/i/{key}</c>,
/// <c>POST /api/v1/queue/{queue}/enqueue_batch</c> (the graph validated as InvokeAI's node schemas would: node types,
/// their fields, edges between existing fields, the model's key and base; 422 in FastAPI's shape otherwise),
/// <c>/b/{batch}/status</c> (pending for <see cref="PendingPolls"/> polls), <c>/i/{item}</c> (a session whose results
/// are keyed by prepared node ids), <c>cancel_by_batch_ids</c> and <c>/api/v1/images/i/{name}/full</c> (real PNGs).
/// </summary>
internal sealed class FakeInvokeAI : IAsyncDisposable
{
    private static readonly Dictionary<string, (string[] Fields, string[] Inputs, string[] Outputs)> Nodes = new()
    {
        ["main_model_loader"] = (["model"], [], ["unet", "clip", "vae"]),
        ["sdxl_model_loader"] = (["model"], [], ["unet", "clip", "clip2", "vae"]),
        ["compel"] = (["prompt"], ["clip"], ["conditioning"]),
        ["sdxl_compel_prompt"] = (["prompt", "style", "original_width", "original_height", "crop_top", "crop_left", "target_width", "target_height"], ["clip", "clip2"], ["conditioning"]),
        ["noise"] = (["seed", "width", "height", "use_cpu"], [], ["noise", "width", "height"]),
        ["denoise_latents"] = (["steps", "cfg_scale", "scheduler", "denoising_start", "denoising_end"], ["positive_conditioning", "negative_conditioning", "noise", "unet"], ["latents"]),
        ["l2i"] = (["fp32", "is_intermediate"], ["latents", "vae"], ["image"]),
    };

    private readonly ConcurrentDictionary<int, Item> _items = new();
    private readonly ConcurrentDictionary<string, byte[]> _images = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private int _nextItem;

    public string Url { get; private set; } = "";

    public IReadOnlyList<JsonObject> Models { get; init; } =
    [
        Model("3f1c-sd15", "stable-diffusion-v1-5", "sd-1", "main"),
        Model("9a7e-sdxl", "sdxl-base-1.0", "sdxl", "main"),
        Model("c0de-flux", "flux-dev", "flux", "main"),
        Model("1ora-key", "detail-tweaker", "sd-1", "lora"),
    ];

    public InvokeOutcome Outcome { get; init; }

    /// <summary>Node types this InvokeAI does not have (an older or trimmed build).</summary>
    public IReadOnlyList<string> MissingNodes { get; init; } = [];
    public int PendingPolls { get; init; } = 2;
    public ConcurrentQueue<JsonObject> Enqueued { get; } = new();
    public ConcurrentQueue<string> Canceled { get; } = new();
    public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int StatusPolls;

    public static JsonObject Model(string key, string name, string modelBase, string type) => new()
    {
        ["key"] = key, ["hash"] = "blake3:" + key, ["name"] = name, ["base"] = modelBase, ["type"] = type,
        ["format"] = "diffusers", ["path"] = $"{modelBase}/{type}/{name}", ["source"] = "https://example.invalid/" + name, ["description"] = null,
    };

    public async Task<FakeInvokeAI> StartAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/api/v2/models/", (string? model_type) =>
            new JsonObject { ["models"] = new JsonArray(Models.Where(m => model_type is null || m["type"]!.GetValue<string>() == model_type).Select(m => (JsonNode)m.DeepClone()).ToArray()) });
        _app.MapGet("/api/v2/models/i/{key}", (string key) => Models.FirstOrDefault(m => m["key"]!.GetValue<string>() == key) is { } model
            ? Results.Json(model)
            : Results.Json(new JsonObject { ["detail"] = $"unknown model key '{key}'" }, statusCode: 404));
        _app.MapPost("/api/v1/queue/{queue}/enqueue_batch", (string queue, HttpRequest request) => EnqueueAsync(queue, request));
        _app.MapGet("/api/v1/queue/{queue}/b/{batch}/status", (string queue, string batch) => Status(queue, batch));
        _app.MapGet("/api/v1/queue/{queue}/i/{id:int}", (int id) => _items.TryGetValue(id, out var item) ? Results.Json(item.ToJson()) : Results.NotFound());
        _app.MapPut("/api/v1/queue/{queue}/cancel_by_batch_ids", async (HttpContext context) =>
        {
            var ids = (await JsonNode.ParseAsync(context.Request.Body))?["batch_ids"]?.AsArray().Select(i => i!.GetValue<string>()).ToList() ?? [];
            var canceled = 0;
            foreach (var item in _items.Values.Where(i => ids.Contains(i.BatchId) && i.State is "pending" or "in_progress"))
            {
                item.State = "canceled";
                canceled++;
            }

            foreach (var id in ids) Canceled.Enqueue(id);
            return new JsonObject { ["canceled"] = canceled };
        });
        _app.MapGet("/api/v1/images/i/{name}/full", (string name) => _images.TryGetValue(name, out var png) ? Results.Bytes(png, "image/png") : Results.NotFound());
        Url = (await TestWebHost.StartAsync(_app)).ToString().TrimEnd('/');
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await TestWebHost.StopAsync(_app);
    }

    private async Task<IResult> EnqueueAsync(string queue, HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
        var batch = body["batch"]?.AsObject();
        if (batch?["graph"] is not JsonObject graph) return Refuse("body.batch.graph", "Field required");
        if (Validate(graph) is { } problem) return Refuse("body.batch.graph", problem);
        var seeds = new List<long>();
        foreach (var datum in batch["data"]?.AsArray().SelectMany(d => d!.AsArray()) ?? [])
        {
            var node = graph["nodes"]![datum!["node_path"]!.GetValue<string>()];
            var field = datum["field_name"]!.GetValue<string>();
            if (node is null || !Nodes[node["type"]!.GetValue<string>()].Fields.Contains(field)) return Refuse("body.batch.data", $"Field {field} not found in node");
            if (field == "seed") seeds.AddRange(datum["items"]!.AsArray().Select(i => i!.GetValue<long>()));
        }

        if (seeds.Count == 0) seeds.Add(graph["nodes"]!["noise"]?["seed"]?.GetValue<long>() ?? 0);
        Enqueued.Enqueue(body);
        var batchId = Guid.NewGuid().ToString();
        batch["batch_id"] = batchId;
        var ids = new JsonArray();
        foreach (var seed in seeds)
        {
            var id = Interlocked.Increment(ref _nextItem);
            _items[id] = new Item(id, batchId, queue, (JsonObject)graph.DeepClone(), seed);
            ids.Add(id);
        }

        return Results.Json(new JsonObject
        {
            ["queue_id"] = queue, ["enqueued"] = seeds.Count, ["requested"] = seeds.Count, ["batch"] = batch.DeepClone(), ["priority"] = 0, ["item_ids"] = ids,
        }, statusCode: 201);
    }

    private string? Validate(JsonObject graph)
    {
        var nodes = graph["nodes"]!.AsObject();
        foreach (var (id, node) in nodes)
        {
            var type = node!["type"]?.GetValue<string>() ?? "";
            if (!Nodes.TryGetValue(type, out var schema) || MissingNodes.Contains(type)) return $"Node {id}: unknown invocation type '{type}'";
            foreach (var (field, _) in node.AsObject())
            {
                if (field is not ("id" or "type") && !schema.Fields.Contains(field)) return $"Node {id}: extra field '{field}' not permitted";
            }

            if (schema.Fields.Contains("model"))
            {
                var key = node["model"]?["key"]?.GetValue<string>();
                var model = Models.FirstOrDefault(m => m["key"]!.GetValue<string>() == key);
                if (model is null) return $"Node {id}: unknown model key '{key}'";
                var wanted = model["base"]!.GetValue<string>() == "sdxl" ? "sdxl_model_loader" : "main_model_loader";
                if (type != wanted) return $"Node {id}: a {model["base"]} model needs {wanted}";
            }

            if (type == "noise" && (node["width"]!.GetValue<int>() % 8 != 0 || node["height"]!.GetValue<int>() % 8 != 0)) return $"Node {id}: width and height must be multiples of 8";
        }

        foreach (var edge in graph["edges"]!.AsArray())
        {
            var (source, sourceField) = (edge!["source"]!["node_id"]!.GetValue<string>(), edge["source"]!["field"]!.GetValue<string>());
            var (destination, destinationField) = (edge["destination"]!["node_id"]!.GetValue<string>(), edge["destination"]!["field"]!.GetValue<string>());
            if (nodes[source] is not { } from || nodes[destination] is not { } to) return $"Edge {source}.{sourceField} -> {destination}.{destinationField}: node not found";
            if (!Nodes[from["type"]!.GetValue<string>()].Outputs.Contains(sourceField)) return $"Edge: {source} has no output '{sourceField}'";
            if (!Nodes[to["type"]!.GetValue<string>()].Inputs.Contains(destinationField)) return $"Edge: {destination} has no input '{destinationField}'";
        }

        return null;
    }

    private static IResult Refuse(string location, string message) => Results.Json(new JsonObject
    {
        ["detail"] = new JsonArray(new JsonObject { ["type"] = "value_error", ["loc"] = new JsonArray(location.Split('.').Select(l => (JsonNode)l).ToArray()), ["msg"] = message }),
    }, statusCode: 422);

    private JsonObject Status(string queue, string batch)
    {
        Interlocked.Increment(ref StatusPolls);
        var items = _items.Values.Where(i => i.BatchId == batch).ToList();
        foreach (var item in items.Where(i => i.State is "pending" or "in_progress")) Advance(item);
        int Count(string state) => items.Count(i => i.State == state);
        return new JsonObject
        {
            ["queue_id"] = queue, ["batch_id"] = batch, ["origin"] = "nexus", ["destination"] = null,
            ["pending"] = Count("pending"), ["in_progress"] = Count("in_progress"), ["completed"] = Count("completed"),
            ["failed"] = Count("failed"), ["canceled"] = Count("canceled"), ["total"] = items.Count,
        };
    }

    private void Advance(Item item)
    {
        if (Outcome == InvokeOutcome.RunUntilCanceled)
        {
            item.State = "in_progress";
            Running.TrySetResult();
            return;
        }

        if (++item.Polls <= PendingPolls)
        {
            item.State = item.Polls == 1 ? "pending" : "in_progress";
            return;
        }

        if (Outcome == InvokeOutcome.Fail)
        {
            item.State = "failed";
            item.Error = ("OutOfMemoryError", "CUDA out of memory. Tried to allocate 2.00 GiB");
            return;
        }

        var noise = item.Graph["nodes"]!["noise"]!;
        var (width, height) = (noise["width"]!.GetValue<int>(), noise["height"]!.GetValue<int>());
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)(item.Seed % 251));
        item.ImageName = Guid.NewGuid() + ".png";
        _images[item.ImageName] = PngWriter.Encode(width, height, rgb);
        item.State = "completed";
    }

    private sealed class Item(int id, string batchId, string queue, JsonObject graph, long seed)
    {
        public string BatchId { get; } = batchId;
        public JsonObject Graph { get; } = graph;
        public long Seed { get; } = seed;
        public volatile string State = "pending";
        public int Polls;
        public string? ImageName;
        public (string Type, string Message)? Error;

        // Executed sessions key results by prepared node ids, mapped back to the graph's nodes by source_prepared_mapping.
        public JsonObject ToJson()
        {
            var mapping = new JsonObject();
            var results = new JsonObject();
            foreach (var (node, _) in Graph["nodes"]!.AsObject())
            {
                var prepared = Guid.NewGuid().ToString();
                mapping[node] = new JsonArray(prepared);
                if (node == "l2i" && ImageName is not null)
                {
                    var noise = Graph["nodes"]!["noise"]!;
                    results[prepared] = new JsonObject { ["type"] = "image_output", ["image"] = new JsonObject { ["image_name"] = ImageName }, ["width"] = noise["width"]!.DeepClone(), ["height"] = noise["height"]!.DeepClone() };
                }
            }

            return new JsonObject
            {
                ["item_id"] = id, ["status"] = State, ["priority"] = 0, ["batch_id"] = BatchId, ["queue_id"] = queue, ["session_id"] = "s-" + id,
                ["error_type"] = Error?.Type, ["error_message"] = Error?.Message, ["error_traceback"] = null,
                ["created_at"] = "2026-12-01 00:00:00", ["updated_at"] = "2026-12-01 00:00:01", ["started_at"] = null, ["completed_at"] = null,
                ["field_values"] = new JsonArray(new JsonObject { ["node_path"] = "noise", ["field_name"] = "seed", ["value"] = Seed }),
                ["session"] = new JsonObject
                {
                    ["id"] = "s-" + id, ["graph"] = Graph.DeepClone(), ["execution_graph"] = new JsonObject { ["nodes"] = new JsonObject(), ["edges"] = new JsonArray() },
                    ["executed"] = new JsonArray(), ["executed_history"] = new JsonArray(), ["results"] = results, ["errors"] = new JsonObject(),
                    ["prepared_source_mapping"] = new JsonObject(), ["source_prepared_mapping"] = mapping,
                },
            };
        }
    }
}
