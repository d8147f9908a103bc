namespace Nexus.Services.Inference.Embeddings;

/// <summary>Loads the local model once, in the background, so the service answers health and upstream routes meanwhile.</summary>
internal sealed partial class LocalEmbeddingLoader(LocalEmbeddingModel model, ILogger<LocalEmbeddingLoader> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => !model.Enabled ? Task.CompletedTask : Task.Run(() =>
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            model.Load();
            LogLoaded(logger, LocalEmbeddingModel.Id, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (InvalidOperationException ex)
        {
            LogLoadFailed(logger, LocalEmbeddingModel.Id, ex.Message);
        }
    }, stoppingToken);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Local embedding model {Model} loaded in {Milliseconds:0} ms")]
    private static partial void LogLoaded(ILogger logger, string model, double milliseconds);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Local embedding model {Model} is not ready: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string model, string reason);
}
