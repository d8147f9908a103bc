namespace Nexus.Services.Knowledge;

/// <summary>The service's log messages, source-generated, with stable event ids.</summary>
internal static partial class KnowledgeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Applied knowledge schema migration {Version} to {Store}")]
    public static partial void MigrationApplied(ILogger logger, int version, string store);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stored {Chunks} chunks of document {DocumentId} in {Collection} (replaced: {Replaced})")]
    public static partial void DocumentStored(ILogger logger, string documentId, string collection, int chunks, bool replaced);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Upstream unavailable: {Reason}")]
    public static partial void UpstreamUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "An answer's chat stream failed midway: {Reason}")]
    public static partial void AnswerFailed(ILogger logger, string reason);
}
