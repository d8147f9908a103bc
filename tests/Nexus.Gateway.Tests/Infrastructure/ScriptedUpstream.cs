namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>An upstream on real Kestrel that answers as the test scripts it, for protocol details the fake upstream does not vary.</summary>
public sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedUpstream(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<ScriptedUpstream> StartAsync(RequestDelegate handle)
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handle);
        return new ScriptedUpstream(app, await TestWebHost.StartAsync(app));
    }

    public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);
}
