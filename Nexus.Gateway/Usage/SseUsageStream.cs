using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Nexus.Gateway.Usage;

/// <summary>
/// Reads an upstream SSE stream event by event on its way to the client: takes the usage, drops the usage-only chunk
/// for a client that did not ask for it, and turns a stream cut off into an SSE error event instead of a clean end.
/// Each event passes on as soon as its blank line arrives, before the events read with it are parsed. An OpenAI stream (<paramref name="endsWithDone"/>) is cut
/// off when it ends before <c>[DONE]</c>; any other service's stream has no such marker, so only a broken connection
/// cuts it off, and a clean end is a clean end.
/// </summary>
internal sealed class SseUsageStream(Stream inner, UsageMeter meter, bool stripUsage, bool endsWithDone) : BufferedUsageStream
{
    private static readonly byte[] CutOffEvent = Encoding.UTF8.GetBytes(
        "event: error\ndata: {\"error\":{\"message\":\"The upstream stream ended before the answer was complete.\",\"type\":\"server_error\",\"param\":null,\"code\":\"upstream_stream_cut\"}}\n\n");

    // Pooled: a stream per streamed request, and most events are a few hundred bytes.
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private byte[] _pending = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _pendingStart;
    private int _pendingLength;

    protected override async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        // Events already read are handed out one by one before the source is read again: an upstream's first read
        // often holds several, and the client gets the first without waiting for the others to be parsed.
        if (DrainOne()) return true;

        int read;
        try
        {
            read = await inner.ReadAsync(_scratch, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is IOException or HttpRequestException or ObjectDisposedException or InvalidDataException)
        {
            read = -1;
        }

        if (read <= 0)
        {
            if (!meter.Done && (read < 0 || endsWithDone))
            {
                meter.CutOff = true;
                Output.Write(CutOffEvent);
            }

            return false;
        }

        Append(_scratch.AsSpan(0, read));
        DrainOne();
        return true;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_pendingStart > 0)
        {
            _pending.AsSpan(_pendingStart, _pendingLength).CopyTo(_pending);
            _pendingStart = 0;
        }

        if (_pendingLength + data.Length > _pending.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_pending.Length * 2, _pendingLength + data.Length));
            _pending.AsSpan(0, _pendingLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = larger;
        }

        data.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += data.Length;
    }

    /// <summary>Passes on complete events until one reaches <see cref="BufferedUsageStream.Output"/>; false when none did.</summary>
    private bool DrainOne()
    {
        while (EventEnd(_pending.AsSpan(_pendingStart, _pendingLength)) is var end && end > 0)
        {
            var evt = _pending.AsMemory(_pendingStart, end);
            _pendingStart += end;
            _pendingLength -= end;
            if (!Keep(evt)) continue;
            Output.Write(evt.Span);
            return true;
        }

        return false;
    }

    /// <summary>Length of the first complete event including its blank line, or 0.</summary>
    private static int EventEnd(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i + 1 < data.Length; i++)
        {
            if (data[i] != '\n') continue;
            if (data[i + 1] == '\n') return i + 2;
            if (data[i + 1] == '\r' && i + 2 < data.Length && data[i + 2] == '\n') return i + 3;
        }

        return 0;
    }

    private bool Keep(ReadOnlyMemory<byte> evt)
    {
        // The event's data lines, joined: most events have one, read in place; several are copied together.
        ReadOnlyMemory<byte> payload = default;
        byte[]? joined = null;
        var joinedLength = 0;
        try
        {
            var rest = evt;
            while (!rest.IsEmpty)
            {
                var newline = rest.Span.IndexOf((byte)'\n');
                var line = newline < 0 ? rest : rest[..newline];
                rest = newline < 0 ? default : rest[(newline + 1)..];
                if (line.Span is [.., (byte)'\r']) line = line[..^1];
                if (!line.Span.StartsWith("data:"u8)) continue;
                line = line[(line.Length > 5 && line.Span[5] == ' ' ? 6 : 5)..];
                if (payload.IsEmpty && joined is null)
                {
                    payload = line;
                    continue;
                }

                if (joined is null)
                {
                    joined = ArrayPool<byte>.Shared.Rent(evt.Length);
                    payload.Span.CopyTo(joined);
                    joinedLength = payload.Length;
                }

                line.Span.CopyTo(joined.AsSpan(joinedLength));
                joinedLength += line.Length;
                payload = joined.AsMemory(0, joinedLength);
            }

            return Observe(payload);
        }
        finally
        {
            if (joined is not null) ArrayPool<byte>.Shared.Return(joined);
        }
    }

    private bool Observe(ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty) return true;
        if (payload.Span.SequenceEqual("[DONE]"u8))
        {
            meter.Done = true;
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var hasChoices = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices", out var choices)
                && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0;
            if (hasChoices && CarriesContent(root.GetProperty("choices"))) meter.ContentChunks++;
            var usageChunk = meter.Observe(root) && !hasChoices;
            return !(usageChunk && stripUsage);
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static bool CarriesContent(JsonElement choices)
    {
        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && !text.ValueEquals(""u8)) return true;
            if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object) continue;
            if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && !content.ValueEquals(""u8)) return true;
            if (delta.TryGetProperty("tool_calls", out var tools) && tools.ValueKind == JsonValueKind.Array) return true;
        }

        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _scratch.Length > 0)
        {
            inner.Dispose();
            ArrayPool<byte>.Shared.Return(_scratch);
            ArrayPool<byte>.Shared.Return(_pending);
            _scratch = _pending = [];
            _pendingStart = _pendingLength = 0;
        }

        base.Dispose(disposing);
    }
}
