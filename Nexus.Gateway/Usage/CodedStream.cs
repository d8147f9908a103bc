namespace Nexus.Gateway.Usage;

/// <summary>
/// Codes a stream again on its way to the client (an SSE answer the gateway decoded to read usage and to drop or add
/// events), flushing after every read so each event still leaves as soon as it arrives.
/// </summary>
internal sealed class CodedStream : ReadOnlyUsageStream
{
    private readonly Stream _source;
    private readonly MemoryStream _output = new();
    private readonly Stream _encoder;
    private readonly byte[] _scratch = new byte[16 * 1024];
    private int _outputOffset;
    private bool _finished;

    public CodedStream(Stream source, string coding)
    {
        _source = source;
        _encoder = ContentCodings.Encoder(_output, coding);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var available = (int)_output.Length - _outputOffset;
            if (available > 0)
            {
                var count = Math.Min(available, buffer.Length);
                _output.GetBuffer().AsMemory(_outputOffset, count).CopyTo(buffer);
                _outputOffset += count;
                if (_outputOffset == _output.Length)
                {
                    _output.SetLength(0);
                    _outputOffset = 0;
                }

                return count;
            }

            if (_finished) return 0;
            var read = await _source.ReadAsync(_scratch, cancellationToken);
            if (read == 0)
            {
                _finished = true;
                await _encoder.DisposeAsync(); // writes the coding's trailer
                continue;
            }

            await _encoder.WriteAsync(_scratch.AsMemory(0, read), cancellationToken);
            await _encoder.FlushAsync(cancellationToken);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
            _encoder.Dispose();
            _output.Dispose();
        }

        base.Dispose(disposing);
    }
}
