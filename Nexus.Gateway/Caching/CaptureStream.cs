namespace Nexus.Gateway.Caching;

/// <summary>
/// The response body as the client receives it, passed through unchanged while a copy of up to
/// <paramref name="limit"/> bytes is kept for the cache; a larger answer is not kept at all.
/// </summary>
internal sealed class CaptureStream(Stream inner, int limit) : Stream
{
    private MemoryStream? _copy = new();

    /// <summary>The copy, or null when the answer outgrew the limit.</summary>
    // Typed: a bare null would convert to an empty memory (through the array conversion), and an answer too large would be kept as nothing.
    public ReadOnlyMemory<byte>? Captured => _copy is null ? (ReadOnlyMemory<byte>?)null : _copy.GetBuffer().AsMemory(0, (int)_copy.Length);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Keep(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Keep(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Keep(ReadOnlySpan<byte> buffer)
    {
        if (_copy is null) return;
        if (_copy.Length + buffer.Length > limit)
        {
            _copy.Dispose();
            _copy = null;
            return;
        }

        _copy.Write(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        // The inner stream is the server's response body: not ours to close.
        if (disposing) _copy?.Dispose();
        base.Dispose(disposing);
    }
}
