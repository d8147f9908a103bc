namespace Nexus.Services.Inference.Pull;

internal static partial class PullLog
{
    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Pulling model {Model} onto {Upstream}")]
    public static partial void Pulling(ILogger logger, string model, string upstream);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Pulled model {Model} onto {Upstream}")]
    public static partial void Pulled(ILogger logger, string model, string upstream);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "Pulling model {Model} onto {Upstream} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string model, string upstream, string reason);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Information, Message = "Pulling model {Model} onto {Upstream} stopped: the caller disconnected")]
    public static partial void Abandoned(ILogger logger, string model, string upstream);
}
