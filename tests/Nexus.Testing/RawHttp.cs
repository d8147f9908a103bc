using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Nexus.Testing;

/// <summary>What a server answered to a <see cref="RawHttp"/> request; <see cref="Status"/> 0 when it did not answer in time.</summary>
public sealed record RawHttpResponse(int Status, string? ContentType, byte[] Body, TimeSpan Elapsed)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// HTTP/1.1 over a plain socket, for requests <see cref="HttpClient"/> refuses to send: a Content-Length the body
/// does not have, broken framing, bytes exactly as given. One request per connection (<c>Connection: close</c>).
/// </summary>
public static class RawHttp
{
    public static byte[] Request(Uri baseAddress, string method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, byte[] body, long? declaredLength = null)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {pathAndQuery} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\n");
        foreach (var (name, value) in headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        if (body.Length > 0 || declaredLength is not null || method is "POST" or "PUT" or "PATCH")
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {declaredLength ?? body.Length}\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    public static async Task<RawHttpResponse> SendAsync(Uri baseAddress, byte[] request, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        var received = new MemoryStream();
        try
        {
            await client.ConnectAsync(baseAddress.Host, baseAddress.Port, deadline.Token);
            var stream = client.GetStream();
            try
            {
                await stream.WriteAsync(request, deadline.Token);
            }
            catch (IOException)
            {
                // The server may answer and close before it has read all of a body it refuses; read what it said.
            }

            await stream.CopyToAsync(received, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return new RawHttpResponse(0, null, received.ToArray(), watch.Elapsed);
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer: the answer stands.
        }

        return Parse(received.ToArray(), watch.Elapsed);
    }

    private static RawHttpResponse Parse(byte[] data, TimeSpan elapsed)
    {
        var split = data.AsSpan().IndexOf("\r\n\r\n"u8);
        if (split < 0) return new RawHttpResponse(0, null, data, elapsed);
        var lines = Encoding.ASCII.GetString(data, 0, split).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        string? Header(string name) => lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).FirstOrDefault();

        var body = data.AsSpan(split + 4).ToArray();
        if (string.Equals(Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase)) body = Dechunk(body);
        return new RawHttpResponse(status, Header("Content-Type"), body, elapsed);
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var output = new MemoryStream();
        var position = 0;
        while (position < chunked.Length)
        {
            var end = chunked.AsSpan(position).IndexOf("\r\n"u8);
            if (end < 0) break;
            var size = int.Parse(Encoding.ASCII.GetString(chunked, position, end).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0) break;
            position += end + 2;
            output.Write(chunked, position, Math.Min(size, chunked.Length - position));
            position += size + 2;
        }

        return output.ToArray();
    }
}
