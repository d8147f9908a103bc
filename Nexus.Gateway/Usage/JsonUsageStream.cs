using System.Text.Json;

namespace Nexus.Gateway.Usage;

/// <summary>Passes a JSON answer through unchanged, keeping a copy (up to 8 MiB) to read its <c>usage</c> at the end.</summary>
internal sealed class JsonUsageStream(Stream inner, UsageMeter meter) : Stream
{
    private const int MaxCopy = 8 * 1024 * 1024;
    private readonly MemoryStream _copy = new();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (read > 0 && _copy.Length + read <= MaxCopy) _copy.Write(buffer.Span[..read]);
        if (read == 0 && _copy.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(_copy.GetBuffer().AsMemory(0, (int)_copy.Length));
                meter.Observe(document.RootElement);
            }
            catch (JsonException)
            {
                // Not JSON (audio, an image, a truncated copy): nothing to bill from the body.
            }

            _copy.SetLength(0);
        }

        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _copy.Dispose();
        }

        base.Dispose(disposing);
    }
}
