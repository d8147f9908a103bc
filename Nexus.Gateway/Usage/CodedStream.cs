namespace Nexus.Gateway.Usage;

/// <summary>
/// Codes a stream again on its way to the client (an SSE answer the gateway decoded to read usage and to drop or add
/// events), flushing after every read so each event still leaves as soon as it arrives.
/// </summary>
internal sealed class CodedStream : BufferedUsageStream
{
    private readonly Stream _source;
    private readonly Stream _encoder;
    private readonly byte[] _scratch = new byte[16 * 1024];

    public CodedStream(Stream source, string coding)
    {
        _source = source;
        _encoder = ContentCodings.Encoder(Output, coding);
    }

    protected override async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var read = await _source.ReadAsync(_scratch, cancellationToken);
        if (read == 0)
        {
            await _encoder.DisposeAsync(); // writes the coding's trailer
            return false;
        }

        await _encoder.WriteAsync(_scratch.AsMemory(0, read), cancellationToken);
        await _encoder.FlushAsync(cancellationToken);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
            _encoder.Dispose();
        }

        base.Dispose(disposing);
    }
}
