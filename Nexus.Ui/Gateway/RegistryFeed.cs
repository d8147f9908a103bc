namespace Nexus.Ui.Gateway;

/// <summary>
/// Follows the registry's watch stream for one page, with the admin key, until the page goes away; after a broken
/// stream it reconnects (the stream starts again with every instance as <c>added</c>).
/// </summary>
internal sealed partial class RegistryFeed(GatewayClient gateway, ILogger<RegistryFeed> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _disposed;

    public RegistryView View { get; } = new();

    /// <summary>Why the feed is not live, when it is not (shown on the page).</summary>
    public string? Problem { get; private set; }

    public bool Loaded { get; private set; }

    /// <summary>Raised after each change, on the stream's thread: handlers marshal to the renderer themselves.</summary>
    public event Func<Task>? Changed;

    public void Start(string adminKey) => _loop ??= RunAsync(adminKey, _stop.Token);

    private async Task RunAsync(string adminKey, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Connected: the stream now replays every instance, so what was shown before is replaced.
                await foreach (var (kind, instance) in gateway.WatchRegistryAsync(adminKey, Connected, cancellationToken))
                {
                    View.Apply(kind, instance);
                    await RaiseAsync();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or GatewayException or IOException or System.Text.Json.JsonException)
            {
                Problem = $"The registry's live stream is interrupted ({ex.Message}); reconnecting.";
                LogWatchBroken(logger, ex);
                await RaiseAsync();
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Connected()
    {
        View.Clear();
        Loaded = true;
        Problem = null;
        _ = RaiseAsync();
    }

    private async Task RaiseAsync()
    {
        if (Changed is { } changed && !_stop.IsCancellationRequested) await changed();
    }

    // Idempotent: the page disposes the feed when it closes, and the circuit's scope disposes it again at its end.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped with the page.
            }
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "The registry watch stream broke; reconnecting")]
    private static partial void LogWatchBroken(ILogger logger, Exception exception);
}
