using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Storage;

namespace Nexus.Gateway.Usage;

/// <summary>
/// Audit records on their way to the store: a bounded channel drained in batches by one writer. When the channel
/// is full a request waits for room rather than dropping its record; at shutdown everything queued is written.
/// </summary>
internal sealed class AuditQueue(IGatewayStore store, IOptions<GatewayOptions> options, ILogger<AuditQueue> logger) : IHostedService
{
    private readonly Channel<AuditRecord> _channel = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(options.Value.AuditQueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _abandon = new();
    private Task _writer = Task.CompletedTask;

    public ValueTask EnqueueAsync(AuditRecord record) => _channel.Writer.WriteAsync(record, CancellationToken.None);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        // Wait for the queue to drain; only the host's shutdown deadline makes the writer give up.
        await using (cancellationToken.Register(_abandon.Cancel))
        {
            await _writer;
        }

        _abandon.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batchSize = options.Value.AuditBatchSize;
        var flushInterval = options.Value.AuditFlushInterval;
        var batch = new List<AuditRecord>(batchSize);
        while (await _channel.Reader.WaitToReadAsync(CancellationToken.None))
        {
            // Let a burst gather (cut short by shutdown): a commit costs about the same for one record as for hundreds.
            if (flushInterval > TimeSpan.Zero && _channel.Reader.Count < batchSize)
            {
                await Task.WhenAny(Task.Delay(flushInterval, _abandon.Token), _channel.Reader.Completion);
            }

            while (batch.Count < batchSize && _channel.Reader.TryRead(out var record)) batch.Add(record);
            while (true)
            {
                try
                {
                    await store.WriteAuditAsync(batch, _abandon.Token);
                    break;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    GatewayLog.AuditWriteFailed(logger, exception, batch.Count);
                    await Task.Delay(TimeSpan.FromSeconds(1), _abandon.Token);
                }
            }

            batch.Clear();
        }
    }
}
