using System.Buffers;
using System.Text.Json;

namespace Nexus.Gateway.Usage;

/// <summary>
/// Passes a JSON answer through unchanged, keeping a copy (up to 8 MiB) to read its <c>usage</c> at the end, decoded
/// first when the upstream coded it (<paramref name="coding"/>: gzip, br, deflate; "" for none).
/// </summary>
internal sealed class JsonUsageStream(Stream inner, UsageMeter meter, string coding) : ReadOnlyUsageStream
{
    private const int MaxCopy = 8 * 1024 * 1024;
    // The copy lives in pooled arrays: most answers are a few kilobytes, and one per request adds up under load.
    private byte[]? _copy;
    private int _length;
    private bool _tooLarge;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A zero-byte read (YARP's copier makes one to wait for data without holding a buffer) answers 0 without
        // meaning the end: only a read with room for data can tell.
        if (buffer.IsEmpty) return await inner.ReadAsync(buffer, cancellationToken);
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (read > 0) Keep(buffer.Span[..read]);
        else if (_length > 0)
        {
            try
            {
                if (coding.Length == 0) meter.Observe(_copy.AsSpan(0, _length));
                else ObserveDecoded();
            }
            catch (Exception exception) when (exception is JsonException or InvalidDataException)
            {
                // Not JSON (audio, an image, a truncated copy) or not the coding it claimed: nothing to bill from the body.
            }

            Release();
        }

        return read;
    }

    private void ObserveDecoded()
    {
        using var coded = new MemoryStream(_copy!, 0, _length, writable: false);
        using var decoder = ContentCodings.Decoder(coded, coding);
        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(4096, _length * 4));
        try
        {
            var length = 0;
            int read;
            while ((read = decoder.Read(decoded, length, decoded.Length - length)) > 0)
            {
                length += read;
                if (length < decoded.Length) continue;
                if (decoded.Length >= MaxCopy) return; // larger decoded than the bound: not billed from the body
                var larger = ArrayPool<byte>.Shared.Rent(decoded.Length * 2);
                decoded.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(decoded);
                decoded = larger;
            }

            meter.Observe(decoded.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
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
