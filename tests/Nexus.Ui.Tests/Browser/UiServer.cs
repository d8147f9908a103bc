using System.Reflection;
using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>
/// The UI as its own process, run from its own build output as a user runs it (<c>dotnet Nexus.Ui.dll</c>), so its
/// static web assets, Blazor's scripts and Fluent UI's files are served exactly as in production.
/// </summary>
internal sealed class UiServer : LocalServer
{
    public const int SignInFailuresPerMinute = 3;

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<UiServer> StartAsync(string gatewayUrl, string registrationToken, params string[] settings)
    {
        var configuration = typeof(UiServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var project = Path.Combine(TestEnvironment.RepositoryRoot(), "Nexus.Ui");
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "Nexus.Ui.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build Nexus.Ui first ({configuration}).", dll);

        var server = new UiServer();
        // Development: static web assets come from the build's manifest (NuGet's Fluent UI files included), not a publish folder.
        server.Start("dotnet", [dll, "--urls", server.Url, "--environment", "Development", "--contentRoot", project,
            "--Nexus:Ui:GatewayUrl", gatewayUrl, "--Nexus:Ui:DashboardUrl", "http://127.0.0.1:18888",
            "--Nexus:Registry:Url", gatewayUrl, "--Nexus:Registry:Token", registrationToken, "--Nexus:LogFormat", "text",
            // The tests stand for the proxy in front of the UI, so each test may sign in from an address of its own.
            "--Nexus:Ui:TrustedProxies:0", "127.0.0.1", "--Nexus:Ui:SignInFailuresPerMinute", SignInFailuresPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), .. settings]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await server.WaitUntilAsync(async () => (await http.GetAsync(server.Url + "/alive")).IsSuccessStatusCode, "the UI");
        return server;
    }
}
