namespace Nexus.Gateway.Usage;

/// <summary>
/// A usage reader that writes what the client gets into a buffer of its own (<see cref="Output"/>) and hands it out from
/// there: a read drains the buffer first, and only an empty buffer asks <see cref="FillAsync"/> for more.
/// </summary>
internal abstract class BufferedUsageStream : ReadOnlyUsageStream
{
    private int _outputOffset;
    private bool _finished;

    /// <summary>What the client gets next.</summary>
    protected MemoryStream Output { get; } = new();

    public sealed override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var available = (int)Output.Length - _outputOffset;
            if (available > 0)
            {
                var count = Math.Min(available, buffer.Length);
                Output.GetBuffer().AsMemory(_outputOffset, count).CopyTo(buffer);
                _outputOffset += count;
                if (_outputOffset == Output.Length)
                {
                    Output.SetLength(0);
                    _outputOffset = 0;
                }

                return count;
            }

            if (_finished) return 0;
            _finished = !await FillAsync(cancellationToken);
        }
    }

    /// <summary>Reads the source once and writes to <see cref="Output"/> what the client should get of it (possibly
    /// nothing); false once the source has ended, after writing whatever ends the answer.</summary>
    protected abstract ValueTask<bool> FillAsync(CancellationToken cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing) Output.Dispose();
        base.Dispose(disposing);
    }
}
