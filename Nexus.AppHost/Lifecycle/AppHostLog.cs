using Microsoft.Extensions.Logging;

namespace Nexus.AppHost.Lifecycle;

internal static partial class AppHostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Resource} exited with code {ExitCode}; restarting it in {Delay} (attempt {Attempt}). Its console log is in the dashboard.")]
    public static partial void Restarting(ILogger logger, string resource, int? exitCode, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Resource} could not be restarted: {Reason}")]
    public static partial void RestartFailed(ILogger logger, string resource, string? reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Resource} did not stop in order: {Reason}; Aspire stops it with the rest.")]
    public static partial void StopFailed(ILogger logger, string resource, string? reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "The start-up summary failed.")]
    public static partial void SummaryFailed(ILogger logger, Exception exception);
}
