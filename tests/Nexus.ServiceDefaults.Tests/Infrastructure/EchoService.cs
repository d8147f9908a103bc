using Nexus.Testing;

namespace Nexus.ServiceDefaults.Tests.Infrastructure;

/// <summary>A Nexus service with the echo API (EchoApi.cs) on real Kestrel at a random loopback port, built exactly as a
/// service's Program.cs builds it.</summary>
public sealed class EchoService : IAsyncDisposable
{
    private bool _stopped;

    private EchoService(WebApplication app, Uri baseAddress, CapturingLoggerProvider logs)
    {
        App = app;
        Logs = logs;
        BaseAddress = baseAddress;
        // No activity propagator: the test's client shares the service's process, so OpenTelemetry's HttpClient
        // instrumentation (which a service with tracing on subscribes process-wide) would otherwise replace the
        // traceparent a test sends with a span of its own. The client stands for another process.
        Client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public CapturingLoggerProvider Logs { get; }

    public static async Task<EchoService> StartAsync(
        IDictionary<string, string?>? configuration = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null)
    {
        var builder = TestWebHost.CreateBuilder(typeof(EchoService).Assembly.GetName().Name);
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs);

        builder.AddServiceDefaults();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapEchoApi();
        map?.Invoke(app);

        return new EchoService(app, await TestWebHost.StartAsync(app), logs);
    }

    /// <summary>Stops the service (a test may stop it early, to flush its exporters or see it deregister).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        Client.Dispose();
        await TestWebHost.StopAsync(App);
    }
}
