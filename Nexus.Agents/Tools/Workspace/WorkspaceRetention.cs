using Microsoft.Extensions.Options;
using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;

namespace Nexus.Agents.Tools.Workspace;

/// <summary>How long run workspaces are kept (<c>Agents:Workspaces</c>).</summary>
public sealed class WorkspaceRetentionOptions
{
    /// <summary>A workspace untouched this long is removed (default 7 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>At most this many workspaces are kept; past it the least recently touched go first (default 500).</summary>
    public int MaxCount { get; set; } = 500;

    /// <summary>How often the sweep runs (default one hour).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Removes run workspaces past their retention or over the count cap. A workspace of a run that is running or waiting
/// for approval (in this process, or by its stored record) is never removed, however old.
/// </summary>
internal sealed partial class WorkspaceRetention(IOptions<WorkspaceOptions> options, IAgentStore store, RunRegistry runs, TimeProvider time, ILogger<WorkspaceRetention> logger) : BackgroundService
{
    /// <summary>One sweep; returns the workspaces it removed.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(options.Value.WorkspacesPath);
        if (!Directory.Exists(root)) return [];
        var settings = options.Value.Workspaces;
        var active = new HashSet<string>(await store.ListActiveRunIdsAsync(cancellationToken), StringComparer.Ordinal);
        foreach (var run in runs.All.Where(r => !r.IsFinished)) active.Add(run.Id);

        var now = time.GetUtcNow();
        var candidates = new DirectoryInfo(root).GetDirectories()
            // Run workspaces are named by run id; a dot folder beside them is the service's own (the template hive).
            .Where(d => d.LinkTarget is null && !d.Name.StartsWith('.'))
            .OrderByDescending(d => d.LastWriteTimeUtc)
            .ToList();
        var removed = new List<string>();
        var kept = 0;
        foreach (var folder in candidates)
        {
            if (active.Contains(folder.Name)) continue;
            var expired = now - new DateTimeOffset(folder.LastWriteTimeUtc, TimeSpan.Zero) > settings.Retention;
            if (!expired && kept < settings.MaxCount)
            {
                kept++;
                continue;
            }

            try
            {
                folder.Delete(recursive: true);
                removed.Add(folder.Name);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogRemoveFailed(logger, folder.FullName, ex);
            }
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first sweep waits an interval too: a start is not slowed, and a restart loop does not sweep each time.
        using var timer = new PeriodicTimer(options.Value.Workspaces.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 6311, Level = LogLevel.Warning, Message = "The workspace {Path} could not be removed")]
    private static partial void LogRemoveFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 6312, Level = LogLevel.Warning, Message = "The workspace sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
