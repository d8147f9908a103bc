using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>
/// ComfyUI: checkpoints from <c>/object_info/CheckpointLoaderSimple</c>; a generation queues a graph with
/// <c>POST /prompt</c>, polls <c>/history/{id}</c> until it ends and downloads the images from <c>/view</c>. A job that is
/// cancelled or runs out of time is removed from ComfyUI's queue, or interrupted if running, so the GPU is freed.
/// </summary>
internal sealed partial class ComfyUIBackend(ComfyUIClient client, IOptions<ImageOptions> options, TimeProvider time, ILogger<ComfyUIBackend> logger) : IImageBackend
{
    public const string Prefix = "comfyui/";

    private readonly Lazy<ComfyUIWorkflowTemplate?> _template = new(() => options.Value.ComfyUIWorkflowFile is { } file ? ComfyUIWorkflowTemplate.Load(file) : null);

    // ComfyUI uses the client id only to address websocket events, which this backend does not read.
    private readonly string _clientId = "nexus-" + Guid.NewGuid().ToString("N");

    public string Name => "comfyui";

    public string ModelPrefix => Prefix;

    public bool IsConfigured => options.Value.ComfyUIUrl is not null;

    public async Task<IReadOnlyList<ImageModel>> ModelsAsync(CancellationToken cancellationToken)
    {
        var info = await client.GetJsonAsync("object_info/CheckpointLoaderSimple", cancellationToken);
        var names = ComfyUIObjectInfo.CheckpointNames(info) ?? throw new BackendFailedException("ComfyUI has no CheckpointLoaderSimple node, so it offers no checkpoints.");
        return names.Select(name => ImageModel.Checkpoint(this, name)).ToList();
    }

    public async Task<IReadOnlyList<byte[]>> GenerateAsync(GenerationPlan plan, CancellationToken cancellationToken)
    {
        var graph = _template.Value?.Build(plan, options.Value) ?? ComfyUIGraph.Txt2Img(plan, options.Value);
        using var timeout = new CancellationTokenSource(options.Value.GenerationTimeout, time);
        using var job = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        string? promptId = null;
        try
        {
            // Queued under the timeout alone: a client that leaves while the prompt is being queued must still learn
            // its id, or the prompt would run on in ComfyUI with nobody to cancel it.
            promptId = await client.QueuePromptAsync(graph, _clientId, timeout.Token);
            LogQueued(logger, promptId, plan.Model, plan.Count);
            job.Token.ThrowIfCancellationRequested();
            var images = await WaitForImagesAsync(promptId, job.Token);
            if (images.Count < plan.Count)
            {
                throw new BackendFailedException($"ComfyUI saved {images.Count} image(s) where {plan.Count} were asked for; a custom workflow must use {{{{batch_size}}}}.");
            }

            var pngs = new List<byte[]>(plan.Count);
            foreach (var image in images.Take(plan.Count)) pngs.Add(await client.GetImageAsync(image, job.Token));
            return pngs;
        }
        catch (OperationCanceledException) when (job.IsCancellationRequested)
        {
            if (promptId is not null) await CancelAsync(promptId);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new BackendUnavailableException($"ComfyUI did not finish within {options.Value.GenerationTimeout.TotalSeconds:0} s (Image:GenerationTimeout); the prompt was cancelled.");
        }
        catch (BackendFailedException ex)
        {
            LogFailed(logger, promptId, ex.Message);
            throw;
        }
    }

    private async Task<IReadOnlyList<ComfyUIImage>> WaitForImagesAsync(string promptId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var history = await client.GetJsonAsync($"history/{Uri.EscapeDataString(promptId)}", cancellationToken);
            if (ComfyUIHistory.Read(history, promptId) is { } images) return images;
            await Task.Delay(options.Value.PollInterval, time, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the prompt if still queued, then interrupts it only if it is the one running: older servers ignore
    /// <c>prompt_id</c> on <c>/interrupt</c> and would stop somebody else's job.
    /// </summary>
    private async Task CancelAsync(string promptId)
    {
        using var cleanup = new CancellationTokenSource(options.Value.RequestTimeout, time);
        try
        {
            await client.PostAsync("queue", new JsonObject { ["delete"] = new JsonArray(promptId) }, cleanup.Token);
            var queue = await client.GetJsonAsync("queue", cleanup.Token);
            var running = (queue.Field("queue_running") as JsonArray ?? []).Any(item => item.At(1).Text() == promptId);
            if (running) await client.PostAsync("interrupt", new JsonObject { ["prompt_id"] = promptId }, cleanup.Token);
            LogCancelled(logger, promptId, running);
        }
        catch (Exception ex) when (ex is BackendException or OperationCanceledException)
        {
            LogCancelFailed(logger, promptId, ex.Message);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "ComfyUI queued prompt {PromptId}: {Count} image(s) with {Model}.")]
    private static partial void LogQueued(ILogger logger, string promptId, string model, int count);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "ComfyUI prompt {PromptId} cancelled (it was running and was interrupted: {Interrupted}).")]
    private static partial void LogCancelled(ILogger logger, string promptId, bool interrupted);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "ComfyUI prompt {PromptId} could not be cancelled and may still occupy the GPU: {Reason}")]
    private static partial void LogCancelFailed(ILogger logger, string promptId, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "ComfyUI prompt {PromptId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string? promptId, string reason);
}
