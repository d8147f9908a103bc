using System.Reflection;

namespace Nexus.AppHost.Hosting;

/// <summary>
/// Starts the app host's own composition in a test, as Aspire.Hosting.Testing does: the same model, every endpoint on a
/// random port, a throw-away state directory; returns once every resource is healthy and gives a client per resource.
/// </summary>
public sealed class NexusTestingApp : IAsyncDisposable
{
    // Flows with the test's async context only, so parallel tests never see each other's capture.
    private static readonly AsyncLocal<StrongBox?> Pending = new();

    private readonly NexusApplication _app;
    private readonly string _stateDirectory;
    private readonly List<HttpClient> _clients = [];

    private NexusTestingApp(NexusApplication app, string stateDirectory)
    {
        _app = app;
        _stateDirectory = stateDirectory;
    }

    public NexusApplication Application => _app;

    /// <summary>Runs the app host's entry point with <paramref name="args"/>, then starts the captured app.</summary>
    public static async Task<NexusTestingApp> StartAsync(string[] args, Action<NexusAppOptions>? configure = null, CancellationToken ct = default)
    {
        var app = Build(args);
        return await StartAsync(app, configure, ct).ConfigureAwait(false);
    }

    /// <summary>Starts an app built by the test itself (engine tests).</summary>
    public static async Task<NexusTestingApp> StartAsync(NexusApplication app, Action<NexusAppOptions>? configure = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var state = Path.Combine(Path.GetTempPath(), "nexus-apphost-test-" + Guid.NewGuid().ToString("N")[..12]);
        app.Options.RandomPorts = true;
        app.Options.StateDirectory = state;
        app.Options.Output = _ => { };
        configure?.Invoke(app.Options);
        var testing = new NexusTestingApp(app, state);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await testing.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return testing;
    }

    /// <summary>Runs the app host's entry point up to <c>Run()</c> and returns the app it built, not started.</summary>
    public static NexusApplication Build(string[] args)
    {
        var entryPoint = typeof(NexusTestingApp).Assembly.EntryPoint ?? throw new InvalidOperationException("The app host has no entry point.");
        var box = new StrongBox();
        Pending.Value = box;
        try
        {
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
        finally
        {
            Pending.Value = null;
        }

        return box.App ?? throw new InvalidOperationException("The app host's entry point did not call Run().");
    }

    internal static bool Capture(NexusApplication app)
    {
        if (Pending.Value is not { } box) return false;
        box.App = app;
        return true;
    }

    /// <summary>The base URL of a resource's endpoint in this run.</summary>
    public Uri GetEndpoint(string resource, string endpoint = "http")
    {
        var target = _app.Resources.FirstOrDefault(r => r.Name == resource) ?? throw new ArgumentException($"No resource named '{resource}'.", nameof(resource));
        return new Uri(new EndpointReference(target, endpoint).GetValue() ?? throw new InvalidOperationException($"'{resource}' is not running."));
    }

    public HttpClient CreateHttpClient(string resource, string endpoint = "http")
    {
        var client = new HttpClient { BaseAddress = GetEndpoint(resource, endpoint), Timeout = TimeSpan.FromSeconds(30) };
        _clients.Add(client);
        return client;
    }

    public ResourceState GetState(string resource) => Runner.Get(resource).State;

    public int GetRestarts(string resource) => Runner.Get(resource).Restarts;

    public int? GetProcessId(string resource) => Runner.Get(resource).ProcessId;

    internal RunPlan GetPlan(string resource) => Runner.Get(resource).Plan;

    internal RunContext Context => Runner.Context!;

    private AppRunner Runner => _app.Runner ?? throw new InvalidOperationException("The app is not started.");

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        if (Directory.Exists(_stateDirectory)) DeleteQuietly(_stateDirectory);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind does no harm; the test's outcome does not depend on it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same: files created by another user (PostgreSQL's) may refuse deletion.
        }
    }

    private sealed class StrongBox
    {
        public NexusApplication? App { get; set; }
    }
}
