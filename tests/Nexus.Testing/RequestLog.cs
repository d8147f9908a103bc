using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Nexus.Testing;

/// <summary>
/// The status of every request a host finished, as ASP.NET Core's hosting logs it ("Request finished"): what the
/// server answered even when the client had gone and saw nothing, as with a disconnect mid-upload.
/// </summary>
public sealed class RequestLog : ILoggerProvider
{
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";
    private const int RequestStarting = 1;
    private const int RequestFinished = 2;
    private int _started;

    /// <summary>Requests the host has begun, whether or not they finished.</summary>
    public int Started => Volatile.Read(ref _started);

    public ConcurrentQueue<int> Statuses { get; } = new();

    public IReadOnlyList<int> ServerErrors => Statuses.Where(status => status >= 500).ToList();

    public ILogger CreateLogger(string categoryName) => categoryName == Category ? new Logger(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Logger(RequestLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == RequestStarting) Interlocked.Increment(ref log._started);
            if (eventId.Id != RequestFinished || state is not IEnumerable<KeyValuePair<string, object?>> pairs) return;
            if (pairs.FirstOrDefault(p => p.Key == "StatusCode").Value is int status) log.Statuses.Enqueue(status);
        }
    }
}
