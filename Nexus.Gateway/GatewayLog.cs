namespace Nexus.Gateway;

/// <summary>The gateway's log messages, with stable event ids.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(3001, LogLevel.Warning, "Circuit opened for instance {InstanceId} for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, string instanceId, TimeSpan breakDuration);

    [LoggerMessage(3002, LogLevel.Warning, "Upstream {InstanceId} failed ({Error}); {Action}")]
    public static partial void UpstreamFailed(ILogger logger, string instanceId, string error, string action);

    [LoggerMessage(3003, LogLevel.Warning, "Generated the bootstrap admin key, shown only this once: {AdminKey}")]
    public static partial void AdminKeyGenerated(ILogger logger, string adminKey);

    [LoggerMessage(3004, LogLevel.Information, "Applied migration {Version} to the {Store} store")]
    public static partial void MigrationApplied(ILogger logger, int version, string store);

    [LoggerMessage(3005, LogLevel.Error, "Writing {Count} audit records failed; retrying")]
    public static partial void AuditWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(3006, LogLevel.Information, "Limits and budgets are kept in {Backend}")]
    public static partial void LimitsBackend(ILogger logger, string backend);

    [LoggerMessage(3007, LogLevel.Warning, "Reconciling usage for key {KeyId} failed")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string keyId);

    [LoggerMessage(3008, LogLevel.Error, "The key store or the limits store failed; refusing the request")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(3009, LogLevel.Warning, "Canary of {Route} rolled back: version {Version} failed more than the stable version")]
    public static partial void CanaryRolledBack(ILogger logger, string route, string version);

    [LoggerMessage(3010, LogLevel.Warning, "Reading the stored static routes failed; the routes held keep serving")]
    public static partial void RouteRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(3011, LogLevel.Information, "Static upstream {UpstreamId} is now {State}")]
    public static partial void StaticUpstreamReachability(ILogger logger, string upstreamId, string state);
}
