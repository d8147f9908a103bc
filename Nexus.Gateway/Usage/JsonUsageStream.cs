using System.Buffers;
using System.Text.Json;

namespace Nexus.Gateway.Usage;

/// <summary>Passes a JSON answer through unchanged, keeping a copy (up to 8 MiB) to read its <c>usage</c> at the end.</summary>
internal sealed class JsonUsageStream(Stream inner, UsageMeter meter) : ReadOnlyUsageStream
{
    private const int MaxCopy = 8 * 1024 * 1024;
    // The copy lives in pooled arrays: most answers are a few kilobytes, and one per request adds up under load.
    private byte[]? _copy;
    private int _length;
    private bool _tooLarge;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (read > 0) Keep(buffer.Span[..read]);
        else if (_length > 0)
        {
            try
            {
                meter.Observe(_copy.AsSpan(0, _length));
            }
            catch (JsonException)
            {
                // Not JSON (audio, an image, a truncated copy): nothing to bill from the body.
            }

            Release();
        }

        return read;
    }

    private void Keep(ReadOnlySpan<byte> data)
    {
        if (_tooLarge) return;
        if (_length + data.Length > MaxCopy)
        {
            _tooLarge = true;
            Release();
            return;
        }

        if (_copy is null || _copy.Length - _length < data.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_length + data.Length, Math.Max(4096, (_copy?.Length ?? 0) * 2)));
            _copy?.AsSpan(0, _length).CopyTo(larger);
            if (_copy is not null) ArrayPool<byte>.Shared.Return(_copy);
            _copy = larger;
        }

        data.CopyTo(_copy.AsSpan(_length));
        _length += data.Length;
    }

    private void Release()
    {
        if (_copy is not null) ArrayPool<byte>.Shared.Return(_copy);
        _copy = null;
        _length = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            Release();
        }

        base.Dispose(disposing);
    }
}
