namespace Nexus.Gateway.Caching;

/// <summary>The response cache's log messages.</summary>
internal static partial class CachingLog
{
    [LoggerMessage(3401, LogLevel.Warning, "The response cache in Redis failed; requests are forwarded uncached until it answers again")]
    public static partial void RedisFailed(ILogger logger, Exception exception);

    [LoggerMessage(3402, LogLevel.Information, "The response cache in Redis answers again")]
    public static partial void RedisRecovered(ILogger logger);

    [LoggerMessage(3403, LogLevel.Information, "Cached answers are kept in {Backend}")]
    public static partial void Backend(ILogger logger, string backend);
}
