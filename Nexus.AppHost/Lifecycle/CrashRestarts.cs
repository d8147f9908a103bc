using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nexus.AppHost.Lifecycle;

/// <summary>
/// Restarts a resource that exited with a non-zero code, with <see cref="RestartBackoff"/>: Aspire has no restart policy.
/// A clean exit (code 0: a stop from the dashboard, or Ctrl+C) is left alone.
/// </summary>
internal sealed class CrashRestarts(ResourceCommandService commands, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<CrashRestarts> logger)
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public Task OnStoppedAsync(ResourceStoppedEvent @event)
    {
        var snapshot = @event.ResourceEvent.Snapshot;
        var stopping = lifetime.ApplicationStopping;
        // Only processes: a database follows its server, and has no start command of its own.
        if (stopping.IsCancellationRequested || snapshot.ExitCode is null or 0 || @event.Resource is not (ProjectResource or ExecutableResource))
            return Task.CompletedTask;

        var ranFor = snapshot.StopTimeStamp - snapshot.StartTimeStamp ?? TimeSpan.Zero;
        var attempt = _attempts.AddOrUpdate(@event.Resource.Name, 1, (_, previous) => RestartBackoff.NextAttempt(previous, ranFor));
        var delay = RestartBackoff.Delay(attempt);
        AppHostLog.Restarting(logger, @event.Resource.Name, snapshot.ExitCode, delay, attempt);
        // In the background: the event is raised from the orchestrator's watch loop, which must not wait for the delay.
        _ = RestartAsync(@event.Resource, delay, stopping);
        return Task.CompletedTask;
    }

    private async Task RestartAsync(IResource resource, TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stopping).ConfigureAwait(false);
            if (!result.Success) AppHostLog.RestartFailed(logger, resource.Name, result.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost is stopping: nothing to restart.
        }
    }
}
