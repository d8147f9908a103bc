using System.Runtime.InteropServices;

namespace Nexus.AppHost.Hosting;

/// <summary>The built app: runs it (run mode) or writes its manifest (publish mode), as Aspire's <c>DistributedApplication</c>.</summary>
public sealed class NexusApplication : IAsyncDisposable
{
    private readonly NexusAppBuilder _builder;
    private AppRunner? _runner;

    internal NexusApplication(NexusAppBuilder builder) => _builder = builder;

    public NexusAppOptions Options => _builder.Options;

    internal IReadOnlyList<Resource> Resources => _builder.Resources;

    internal AppRunner? Runner => _runner;

    /// <summary>Publishes or runs until Ctrl+C or SIGTERM. Under the testing entry point, hands the app to the test instead.</summary>
    public void Run()
    {
        if (NexusTestingApp.Capture(this)) return;
        if (Options.IsPublishMode)
        {
            var path = Path.GetFullPath(Options.OutputPath!);
            ManifestPublisher.Write(Resources, path);
            Options.Output($"Wrote the manifest to {path}");
            return;
        }

        RunAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we stop the children in order, then exit ourselves
            shutdown.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            await StartAsync(shutdown.Token).ConfigureAwait(false);
            Options.Output("Press Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            Options.Output("Stopping...");
        }
        catch (ResourceStartException ex)
        {
            Options.Output(ex.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
            if (_runner is not null) Options.Output("Stopped." + Environment.NewLine + StartupTable.Render(_runner.Supervisors));
        }
    }

    /// <summary>Starts every resource in dependency order and returns once all are healthy.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (_runner is not null) throw new InvalidOperationException("The app is already started.");
        _runner = new AppRunner(_builder);
        await _runner.StartAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops every resource in reverse dependency order.</summary>
    public async Task StopAsync()
    {
        if (_runner is not null) await _runner.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}

/// <summary>A resource did not start or become healthy; the message names it and says why.</summary>
public sealed class ResourceStartException(string message) : Exception(message);
