using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Nexus.Testing;

namespace Nexus.ServiceDefaults.Tests.Infrastructure;

/// <summary>A bare Kestrel server at a random loopback port that records what it receives; tests map their own protocol on it.</summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private RecordingServer(WebApplication app, Uri baseAddress, ConcurrentQueue<RecordedRequest> requests)
    {
        App = app;
        BaseAddress = baseAddress;
        Requests = requests;
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public ConcurrentQueue<RecordedRequest> Requests { get; }

    /// <summary>Starts the server; <paramref name="http2Only"/> speaks cleartext HTTP/2 with prior knowledge, as gRPC clients do.</summary>
    public static async Task<RecordingServer> StartAsync(Action<WebApplication> map, bool http2Only = false)
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        if (http2Only)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        }

        builder.Logging.ClearProviders();
        var app = builder.Build();
        var requests = new ConcurrentQueue<RecordedRequest>();
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            context.Request.Body.Position = 0;
            requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray()));
            await next(context);
        });
        map(app);
        return new RecordingServer(app, await TestWebHost.StartAsync(app), requests);
    }

    /// <summary>Waits until a recorded request matches, failing after the timeout with what did arrive.</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, TimeSpan timeout)
    {
        try
        {
            return (await Eventually.WaitAsync(() => Requests.FirstOrDefault(match), found => found is not null, "a matching request", timeout))!;
        }
        catch (TimeoutException timedOut)
        {
            throw new TimeoutException($"No matching request within {timeout}. Received: {string.Join(", ", Requests.Select(r => r.Method + " " + r.Path))}", timedOut);
        }
    }

    public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(App);
}

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);
