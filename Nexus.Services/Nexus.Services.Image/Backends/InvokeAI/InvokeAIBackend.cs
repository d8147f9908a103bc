using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nexus.Services.Image.Backends.ComfyUI;

namespace Nexus.Services.Image.Backends.InvokeAI;

/// <summary>
/// InvokeAI: its main models from <c>/api/v2/models/</c>; a generation enqueues a text-to-image batch (one queue item
/// per image) with <c>POST /api/v1/queue/{queue}/enqueue_batch</c>, polls the batch's status until every item ended,
/// reads each item's session for its image and downloads it from <c>/api/v1/images/i/{name}/full</c>. A batch that is
/// cancelled or runs out of time is cancelled in InvokeAI's queue (<c>cancel_by_batch_ids</c>), so the GPU is freed.
/// </summary>
internal sealed partial class InvokeAIBackend(InvokeAIClient client, IOptions<ImageOptions> options, TimeProvider time, ILogger<InvokeAIBackend> logger) : IImageBackend
{
    public const string Prefix = "invokeai/";

    public string Name => "invokeai";

    public string ModelPrefix => Prefix;

    public bool IsConfigured => options.Value.InvokeAIUrl is not null;

    private string Queue => "api/v1/queue/" + Uri.EscapeDataString(options.Value.InvokeAIQueue);

    public async Task<IReadOnlyList<ImageModel>> ModelsAsync(CancellationToken cancellationToken) =>
        InvokeAIModels.Read(await client.GetJsonAsync("api/v2/models/?model_type=main", cancellationToken), this);

    public async Task<IReadOnlyList<byte[]>> GenerateAsync(GenerationPlan plan, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.Value.GenerationTimeout, time);
        using var job = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        string? batchId = null;
        try
        {
            var config = await client.GetJsonAsync($"api/v2/models/i/{Uri.EscapeDataString(plan.Model)}", job.Token);
            var batch = InvokeAIGraph.Batch(plan, InvokeAIModels.Identifier(config), options.Value);
            // Enqueued under the timeout alone: a client that leaves while the batch is being enqueued must still learn
            // its id, or the batch would run on in InvokeAI with nobody to cancel it.
            var enqueued = await client.SendJsonAsync(HttpMethod.Post, Queue + "/enqueue_batch", batch, timeout.Token);
            batchId = enqueued.Field("batch").Field("batch_id").Text() ?? throw new BackendFailedException("InvokeAI enqueued the batch but answered without its batch_id.");
            var items = (enqueued.Field("item_ids") as JsonArray ?? []).Select(i => i?.ToString()).OfType<string>().ToList();
            if (items.Count < plan.Count) throw new BackendFailedException($"InvokeAI enqueued {items.Count} item(s) where {plan.Count} were asked for.");
            LogEnqueued(logger, batchId, plan.Model, plan.Count);
            job.Token.ThrowIfCancellationRequested();
            await WaitForBatchAsync(batchId, job.Token);

            var pngs = new List<byte[]>(plan.Count);
            foreach (var id in items.Take(plan.Count))
            {
                var item = await client.GetJsonAsync($"{Queue}/i/{Uri.EscapeDataString(id)}", job.Token);
                if (InvokeAIQueueItem.Failure(item) is { } failure) throw new BackendFailedException(failure);
                var name = InvokeAIQueueItem.ImageName(item, InvokeAIGraph.OutputNode)
                    ?? throw new BackendFailedException($"InvokeAI completed queue item {id} without an image from its '{InvokeAIGraph.OutputNode}' node.");
                pngs.Add(await client.GetImageAsync(name, job.Token));
            }

            return pngs;
        }
        catch (OperationCanceledException) when (job.IsCancellationRequested)
        {
            if (batchId is not null) await CancelAsync(batchId);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new BackendUnavailableException($"InvokeAI did not finish within {options.Value.GenerationTimeout.TotalSeconds:0} s (Image:GenerationTimeout); the batch was canceled.");
        }
        catch (BackendFailedException ex)
        {
            LogFailed(logger, batchId, ex.Message);
            throw;
        }
    }

    private async Task WaitForBatchAsync(string batchId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await client.GetJsonAsync($"{Queue}/b/{Uri.EscapeDataString(batchId)}/status", cancellationToken);
            if (InvokeAIQueueItem.BatchEnded(status)) return;
            await Task.Delay(options.Value.PollInterval, time, cancellationToken);
        }
    }

    private async Task CancelAsync(string batchId)
    {
        using var cleanup = new CancellationTokenSource(options.Value.RequestTimeout, time);
        try
        {
            var result = await client.SendJsonAsync(HttpMethod.Put, Queue + "/cancel_by_batch_ids", new JsonObject { ["batch_ids"] = new JsonArray(batchId) }, cleanup.Token);
            LogCanceled(logger, batchId, result.Field("canceled")?.ToString() ?? "?");
        }
        catch (Exception ex) when (ex is BackendException or OperationCanceledException)
        {
            LogCancelFailed(logger, batchId, ex.Message);
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "InvokeAI enqueued batch {BatchId}: {Count} image(s) with model {ModelKey}.")]
    private static partial void LogEnqueued(ILogger logger, string batchId, string modelKey, int count);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "InvokeAI batch {BatchId} canceled ({Canceled} queue item(s)).")]
    private static partial void LogCanceled(ILogger logger, string batchId, string canceled);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "InvokeAI batch {BatchId} could not be canceled and may still occupy the GPU: {Reason}")]
    private static partial void LogCancelFailed(ILogger logger, string batchId, string reason);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "InvokeAI batch {BatchId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string? batchId, string reason);
}
