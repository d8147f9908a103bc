using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Nexus.AppHost.Hosting;

/// <summary>The outcome of one health check, with the reason a person needs when it fails.</summary>
internal readonly record struct HealthResult(bool Healthy, string Detail)
{
    public static HealthResult Ok(string detail = "healthy") => new(true, detail);

    public static HealthResult Fail(string detail) => new(false, detail);
}

internal interface IHealthProbe
{
    Task<HealthResult> CheckAsync(CancellationToken ct);
}

/// <summary>GET on a health URL; healthy on 2xx (Aspire's <c>WithHttpHealthCheck</c>).</summary>
internal sealed class HttpHealthProbe(HttpClient client, Uri url) : IHealthProbe
{
    public async Task<HealthResult> CheckAsync(CancellationToken ct)
    {
        try
        {
            using var response = await client.GetAsync(url, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return HealthResult.Ok();
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return HealthResult.Fail($"GET {url.AbsolutePath} answered {(int)response.StatusCode}: {Truncate(body)}");
        }
        catch (HttpRequestException ex)
        {
            return HealthResult.Fail($"GET {url} failed: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return HealthResult.Fail($"GET {url} timed out");
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}

/// <summary>Runs a checking command (e.g. <c>pg_isready</c>); healthy on exit code 0.</summary>
internal sealed class CommandHealthProbe(string fileName, IReadOnlyList<string> args) : IHealthProbe
{
    public async Task<HealthResult> CheckAsync(CancellationToken ct)
    {
        var result = await CommandRunner.RunAsync(fileName, args, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        return result.ExitCode == 0 ? HealthResult.Ok() : HealthResult.Fail($"{Path.GetFileName(fileName)}: {result.Output}");
    }
}

/// <summary>Sends the RESP <c>PING</c> and expects <c>+PONG</c>.</summary>
internal sealed class RedisPingProbe(string host, Func<int?> port) : IHealthProbe
{
    public async Task<HealthResult> CheckAsync(CancellationToken ct)
    {
        if (port() is not { } p) return HealthResult.Fail("no port allocated");
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, p, ct).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            var answer = Encoding.ASCII.GetString(buffer, 0, read).Trim();
            return answer == "+PONG" ? HealthResult.Ok() : HealthResult.Fail($"PING answered '{answer}'");
        }
        catch (SocketException ex)
        {
            return HealthResult.Fail($"connect {host}:{p.ToString(CultureInfo.InvariantCulture)}: {ex.Message}");
        }
    }
}

/// <summary>Healthy once a TCP connection is accepted.</summary>
internal sealed class TcpProbe(string host, Func<int?> port) : IHealthProbe
{
    public async Task<HealthResult> CheckAsync(CancellationToken ct)
    {
        if (port() is not { } p) return HealthResult.Fail("no port allocated");
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, p, ct).ConfigureAwait(false);
            return HealthResult.Ok();
        }
        catch (SocketException ex)
        {
            return HealthResult.Fail($"connect {host}:{p.ToString(CultureInfo.InvariantCulture)}: {ex.Message}");
        }
    }
}
