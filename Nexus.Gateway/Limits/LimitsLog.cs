namespace Nexus.Gateway.Limits;

/// <summary>The limits stores' log messages, with stable event ids.</summary>
internal static partial class LimitsLog
{
    [LoggerMessage(3101, LogLevel.Warning, "The shared limits store failed; admitting requests under this replica's own limits until it answers again")]
    public static partial void FailingOpen(ILogger logger, Exception exception);

    [LoggerMessage(3102, LogLevel.Information, "The shared limits store answers again; limits are shared by every replica once more")]
    public static partial void Recovered(ILogger logger);
}
