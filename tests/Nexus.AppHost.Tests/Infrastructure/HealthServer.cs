using System.Net;

namespace Nexus.AppHost.Tests.Infrastructure;

/// <summary>A real HTTP server on a loopback port whose /health answers 503 until the test says it is healthy.</summary>
internal sealed class HealthServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private volatile bool _healthy;
    private int _requests;

    public HealthServer(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://localhost:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public int Requests => Volatile.Read(ref _requests);

    public void BecomeHealthy() => _healthy = true;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = _healthy ? 200 : 503;
            await context.Response.OutputStream.WriteAsync(_healthy ? "Healthy"u8.ToArray() : "Unhealthy: warming up"u8.ToArray());
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
