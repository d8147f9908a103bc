using Nexus.Gateway.Limits;

namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>A real redis-server with no persistence on a random port.</summary>
public sealed class RedisServer : LocalServer
{
    public const string Executable = "/usr/bin/redis-server";

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        RequireProgram(Executable);
        var server = new RedisServer();
        server.Start(Executable, ["--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await server.WaitUntilAsync(async () =>
        {
            await using var client = RespClient.FromConnectionString(server.ConnectionString);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            return (await client.ExecuteAsync(["PING"], timeout.Token)).Text == "PONG";
        }, "redis-server");
        return server;
    }
}
