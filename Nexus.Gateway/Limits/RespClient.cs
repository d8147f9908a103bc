using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Nexus.Gateway.Limits;

/// <summary>A reply from Redis: simple string, error, integer, bulk string (null when absent) or array.</summary>
internal sealed record RespValue(char Type, string? Text, long Integer, IReadOnlyList<RespValue>? Items)
{
    public bool IsError => Type == '-';
}

/// <summary>
/// The smallest Redis client the limits need (no Redis client package restores here): RESP2 commands as arrays of
/// bulk strings over pooled TCP connections, one command in flight per connection.
/// </summary>
internal sealed class RespClient(string host, int port, string? password) : IAsyncDisposable
{
    private readonly ConcurrentBag<Connection> _idle = [];

    /// <summary>Parses <c>host:port[,password=...]</c>, the StackExchange.Redis style Aspire injects.</summary>
    public static RespClient FromConnectionString(string connectionString)
    {
        var parts = connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var endpoint = parts[0];
        var colon = endpoint.LastIndexOf(':');
        var host = colon > 0 ? endpoint[..colon] : endpoint;
        var port = colon > 0 ? int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture) : 6379;
        var password = parts.Skip(1).FirstOrDefault(p => p.StartsWith("password=", StringComparison.OrdinalIgnoreCase))?["password=".Length..];
        return new RespClient(host, port, password);
    }

    public async Task<RespValue> ExecuteAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var connection = _idle.TryTake(out var idle) ? idle : await ConnectAsync(cancellationToken);
        try
        {
            var reply = await connection.SendAsync(command, cancellationToken);
            _idle.Add(connection);
            return reply;
        }
        catch
        {
            // A half-read reply would poison the next command: the connection is never reused after a failure.
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken);
            var connection = new Connection(client);
            if (password is not null)
            {
                var auth = await connection.SendAsync(["AUTH", password], cancellationToken);
                if (auth.IsError) throw new LimitStoreException("Redis refused the password: " + auth.Text);
            }

            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var connection)) await connection.DisposeAsync();
    }

    private sealed class Connection(TcpClient client) : IAsyncDisposable
    {
        private readonly Stream _stream = new BufferedStream(client.GetStream(), 8192);

        public async Task<RespValue> SendAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
        {
            var builder = new StringBuilder();
            builder.Append('*').Append(command.Count).Append("\r\n");
            foreach (var part in command)
            {
                builder.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
            }

            await _stream.WriteAsync(Encoding.UTF8.GetBytes(builder.ToString()), cancellationToken);
            await _stream.FlushAsync(cancellationToken);
            return await ReadAsync(cancellationToken);
        }

        private async Task<RespValue> ReadAsync(CancellationToken cancellationToken)
        {
            var line = await ReadLineAsync(cancellationToken);
            var type = line[0];
            var rest = line[1..];
            switch (type)
            {
                case '+':
                case '-':
                    return new RespValue(type, rest, 0, null);
                case ':':
                    return new RespValue(type, null, long.Parse(rest, CultureInfo.InvariantCulture), null);
                case '$':
                    var length = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (length < 0) return new RespValue(type, null, 0, null);
                    var buffer = new byte[length + 2];
                    await _stream.ReadExactlyAsync(buffer, cancellationToken);
                    return new RespValue(type, Encoding.UTF8.GetString(buffer, 0, length), 0, null);
                case '*':
                    var count = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (count < 0) return new RespValue(type, null, 0, null);
                    var items = new List<RespValue>(count);
                    for (var i = 0; i < count; i++) items.Add(await ReadAsync(cancellationToken));
                    return new RespValue(type, null, 0, items);
                default:
                    throw new InvalidDataException($"Unexpected RESP type '{type}'.");
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            var bytes = new List<byte>(32);
            var one = new byte[1];
            while (true)
            {
                await _stream.ReadExactlyAsync(one, cancellationToken);
                if (one[0] == '\n' && bytes.Count > 0 && bytes[^1] == '\r')
                {
                    return Encoding.UTF8.GetString(bytes.ToArray(), 0, bytes.Count - 1);
                }

                bytes.Add(one[0]);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            client.Dispose();
        }
    }
}
