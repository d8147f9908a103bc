using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Nexus.Testing;

/// <summary>A real redis-server without persistence on a random loopback port, optionally with a password
/// (<c>--requirepass</c>); it can be frozen (SIGSTOP) and thawed to play a Redis that stops answering.</summary>
public sealed class RedisServer : LocalServer
{
    private RedisServer(string? password) => Password = password;

    public string? Password { get; }

    /// <summary>The StackExchange.Redis connection string Aspire would inject.</summary>
    public string ConnectionString => Password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={Password}";

    public static async Task<RedisServer> StartAsync(string? password = null)
    {
        var executable = TestPrograms.Require("redis-server");
        var server = new RedisServer(password);
        List<string> arguments = ["--port", server.Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
        if (password is not null) arguments.AddRange(["--requirepass", password]);
        server.Start(executable, arguments);
        await server.WaitUntilAsync(server.AnswersAsync, "redis-server");
        return server;
    }

    /// <summary>Stops the process (SIGSTOP): connections stay open and nothing answers, as with a hung server.</summary>
    public Task FreezeAsync() => RunAsync("kill", "-STOP", ProcessId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Lets a frozen server run again (SIGCONT).</summary>
    public Task ThawAsync() => RunAsync("kill", "-CONT", ProcessId.ToString(CultureInfo.InvariantCulture));

    // Any reply to PING means it is up (+PONG, or -NOAUTH when it wants a password); no client library needed.
    private async Task<bool> AnswersAsync()
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"), timeout.Token);
        var reply = new byte[1];
        return await stream.ReadAsync(reply, timeout.Token) == 1 && reply[0] is (byte)'+' or (byte)'-';
    }
}
