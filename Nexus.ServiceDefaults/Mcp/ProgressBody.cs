using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// Where a tool call collects its function's answer. For a streamed function (<c>sse</c>, <c>chunked</c>) called with a
/// progress token, every piece that arrives is also an MCP progress notification: the bytes so far, and the piece
/// itself as the message when the answer is text (an SSE event, say). The collected whole is the tool's final result.
/// </summary>
public sealed class ProgressBody : Stream
{
    /// <summary>A progress message longer than this is cut: it is a glimpse of the stream, not a second copy of it.</summary>
    private const int MaxMessageLength = 1000;

    private readonly MemoryStream _body = new();
    private readonly McpServer? _server;
    private readonly ProgressToken _token;
    private readonly Func<string?> _mediaType;

    private ProgressBody(McpServer? server, ProgressToken token, Func<string?> mediaType)
    {
        _server = server;
        _token = token;
        _mediaType = mediaType;
    }

    /// <summary>A body for a call of <paramref name="tool"/>; <paramref name="mediaType"/> gives the answer's type once its headers are in.</summary>
    public static ProgressBody For<T>(RequestContext<T> context, FunctionTool tool, Func<string?> mediaType) where T : RequestParams
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tool);
        return context.Params?.ProgressToken is { } token && tool.Function.Streaming != StreamingModes.None
            ? new ProgressBody(context.Server, token, mediaType)
            : new ProgressBody(null, default, mediaType);
    }

    /// <summary>Everything written so far.</summary>
    public byte[] ToArray() => _body.ToArray();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _body.Write(buffer.Span);
        if (_server is null || buffer.IsEmpty) return;
        var text = _mediaType()?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) == true ? Encoding.UTF8.GetString(buffer.Span).Trim() : null;
        var value = new ProgressNotificationValue
        {
            Progress = _body.Length,
            Message = text is { Length: > MaxMessageLength } ? text[..MaxMessageLength] : text,
        };
        await _server.NotifyProgressAsync(_token, value, cancellationToken: cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _body.Length;

    public override long Position { get => _body.Length; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => _body.SetLength(value);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _body.Dispose();
        base.Dispose(disposing);
    }
}
