using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

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
        var builder = WebApplication.CreateSlimBuilder();
        if (http2Only)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RecordingServer(app, new Uri(address + "/"), requests);
    }

    /// <summary>Waits until a recorded request matches, failing after the timeout.</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var found = Requests.FirstOrDefault(match);
            if (found is not null) return found;
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching request within {timeout}. Received: {string.Join(", ", Requests.Select(r => r.Method + " " + r.Path))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);
