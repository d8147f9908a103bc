using System.Text;
using System.Text.Json;

namespace Nexus.Gateway.Usage;

/// <summary>
/// Reads an upstream SSE stream event by event on its way to the client: takes the usage, drops the usage-only chunk
/// for a client that did not ask for it, and turns a stream cut off into an SSE error event instead of a clean end.
/// Each event passes on as soon as its blank line arrives. An OpenAI stream (<paramref name="endsWithDone"/>) is cut
/// off when it ends before <c>[DONE]</c>; any other service's stream has no such marker, so only a broken connection
/// cuts it off, and a clean end is a clean end.
/// </summary>
internal sealed class SseUsageStream(Stream inner, UsageMeter meter, bool stripUsage, bool endsWithDone) : BufferedUsageStream
{
    private static readonly byte[] CutOffEvent = Encoding.UTF8.GetBytes(
        "event: error\ndata: {\"error\":{\"message\":\"The upstream stream ended before the answer was complete.\",\"type\":\"server_error\",\"param\":null,\"code\":\"upstream_stream_cut\"}}\n\n");

    private readonly byte[] _scratch = new byte[16 * 1024];
    private byte[] _pending = new byte[16 * 1024];
    private int _pendingLength;

    protected override async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
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
        Drain();
        return true;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_pendingLength + data.Length > _pending.Length) Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + data.Length));
        data.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += data.Length;
    }

    private void Drain()
    {
        var start = 0;
        while (EventEnd(_pending.AsSpan(start, _pendingLength - start)) is var end && end > 0)
        {
            var evt = _pending.AsSpan(start, end);
            if (Keep(evt)) Output.Write(evt);
            start += end;
        }

        if (start > 0)
        {
            _pending.AsSpan(start, _pendingLength - start).CopyTo(_pending);
            _pendingLength -= start;
        }
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

    private bool Keep(ReadOnlySpan<byte> evt)
    {
        var text = Encoding.UTF8.GetString(evt);
        var data = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
        }

        var payload = data.ToString();
        if (payload.Length == 0) return true;
        if (payload == "[DONE]")
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
            if (choice.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > 0) return true;
            if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object) continue;
            if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString()!.Length > 0) return true;
            if (delta.TryGetProperty("tool_calls", out var tools) && tools.ValueKind == JsonValueKind.Array) return true;
        }

        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
