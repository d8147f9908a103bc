namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>
/// The registry on real Kestrel and a real instance beside it, started fresh for every test (xunit makes a test class
/// per test) and stopped after it, so no test sees another's registrations or the readiness another one flipped.
/// </summary>
public abstract class RegistryFixture : IAsyncLifetime
{
    private RegistryGateway? _gateway;
    private TestInstance? _instance;

    protected RegistryGateway Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    protected TestInstance Instance => _instance ?? throw new InvalidOperationException("Not started.");

    /// <summary>A client of the test's own, for calls that are not the gateway's (ServiceDefaults' registration client).</summary>
    protected HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _gateway = await RegistryGateway.StartAsync();
        _instance = await TestInstance.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_instance is not null) await _instance.DisposeAsync();
        if (_gateway is not null) await _gateway.DisposeAsync();
    }
}
