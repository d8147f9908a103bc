using System.Net;
using System.Net.Sockets;
using Nexus.ContractChecker;
using Nexus.Templates.Tests.Infrastructure;

namespace Nexus.Templates.Tests;

/// <summary>
/// The template's promise, end to end: pack, install into a private template hive, create a service, build it,
/// run its tests, start it and check it against the contract, all without editing a generated file.
/// </summary>
public sealed class TemplateEndToEndTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);
    private readonly string _work = Directory.CreateTempSubdirectory("nexus-template-").FullName;

    [Fact]
    public async Task NexusService_CreatedFromTheTemplate_BuildsPassesItsTestsAndFollowsTheContract()
    {
        var pack = Path.Combine(_work, "pack");
        var hive = Path.Combine(_work, "hive");
        var output = Path.Combine(_work, "src");

        await Dotnet(Repository.Root, "pack", Path.Combine(Repository.Root, "Nexus.Templates", "Nexus.Templates.csproj"), "-o", pack);
        var package = Directory.GetFiles(pack, "Nexus.Templates.*.nupkg").Single();
        await Dotnet(_work, "new", "install", package, "--debug:custom-hive", hive);
        await Dotnet(_work, "new", "nexus-service", "-n", "Acme.Translate", "-o", output, "--nexusRoot", Repository.Root, "--debug:custom-hive", hive);

        // Nexus.ServiceDefaults is already built by this test run; do not rebuild it under other running tests.
        await Dotnet(output, "build", Path.Combine(output, "Acme.Translate"), "-p:BuildProjectReferences=false");
        await Dotnet(output, "test", Path.Combine(output, "Acme.Translate.Tests"), "-p:BuildProjectReferences=false");

        var port = FreePort();
        var dll = Directory.GetFiles(Path.Combine(output, "Acme.Translate", "bin"), "Acme.Translate.dll", SearchOption.AllDirectories).First();
        using var service = new ChildProcess("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"], Path.GetDirectoryName(dll)!, new Dictionary<string, string>());
        var url = $"http://127.0.0.1:{port}/";
        await WaitForHealthAsync(url, service);

        var report = new StringWriter();
        var exitCode = await CheckerCommand.RunAsync([url], report, CancellationToken.None);

        exitCode.ShouldBe(0, report.ToString());
        report.ToString().ShouldContain("'acme-translate'");
        report.ToString().ShouldContain("PASS  function analyze-text");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private static async Task Dotnet(string workingDirectory, params string[] arguments)
    {
        var (exitCode, output) = await ProcessRunner.RunAsync("dotnet", arguments, workingDirectory, Step);
        exitCode.ShouldBe(0, $"dotnet {string.Join(' ', arguments)}:\n{output}");
    }

    private static async Task WaitForHealthAsync(string url, ChildProcess service)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            service.HasExited.ShouldBeFalse($"The service exited:\n{service.Output}");
            try
            {
                if ((await http.GetAsync(url + "health", timeout.Token)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
