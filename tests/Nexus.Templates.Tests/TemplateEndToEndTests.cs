using System.Net;
using System.Text.Json.Nodes;
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
    private const string AdminKey = "nxadm-contract-check-admin-key";
    private const string RegistrationToken = "template-e2e-registration-token";
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
        // The README's AppHost instructions name the generated Projects type and a valid Aspire resource name.
        File.ReadAllText(Path.Combine(output, "Acme.Translate", "README.md"))
            .ShouldContain("builder.AddNexusService<Projects.Acme_Translate>(\"acme-translate\", gateway, registrationToken);");

        // Nexus.ServiceDefaults is already built by this test run; do not rebuild it under other running tests.
        await Dotnet(output, "build", Path.Combine(output, "Acme.Translate"), "-p:BuildProjectReferences=false");
        await Dotnet(output, "test", Path.Combine(output, "Acme.Translate.Tests"), "-p:BuildProjectReferences=false");

        // Beside a running gateway, configured only with the registry's address and token.
        var gateway = await RepositoryServicesTests.StartAsync("gateway", new Dictionary<string, string?>
        {
            ["Nexus:Registry:Token"] = RegistrationToken,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
        });
        try
        {
            var gatewayUrl = gateway.Urls.First();
            var port = FreePort();
            var dll = Directory.GetFiles(Path.Combine(output, "Acme.Translate", "bin"), "Acme.Translate.dll", SearchOption.AllDirectories).First();
            using var service = new ChildProcess("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"], Path.GetDirectoryName(dll)!, new Dictionary<string, string>
            {
                ["Nexus__Registry__Url"] = gatewayUrl,
                ["Nexus__Registry__Token"] = RegistrationToken,
            });
            var url = $"http://127.0.0.1:{port}/";
            await WaitForHealthAsync(url, service);

            var report = new StringWriter();
            var exitCode = await CheckerCommand.RunAsync([url, "--registry", gatewayUrl, "--key", AdminKey], report, CancellationToken.None);

            exitCode.ShouldBe(0, report.ToString());
            report.ToString().ShouldContain("'acme-translate'");
            report.ToString().ShouldContain("PASS  function analyze-text");
            await CallThroughGatewayAsync(gatewayUrl);
        }
        finally
        {
            await gateway.StopAsync();
            await gateway.DisposeAsync();
        }
    }

    /// <summary>Ready in the registry, listed in its catalog, and the example function answers through the gateway with a tenant key.</summary>
    private static async Task CallThroughGatewayAsync(string gatewayUrl)
    {
        using var admin = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!(await admin.GetStringAsync("v1/registry/instances?state=ready", timeout.Token)).Contains("\"acme-translate\"", StringComparison.Ordinal))
        {
            await Task.Delay(100, timeout.Token);
        }

        var tenant = await (await admin.PostAsJsonAsync("admin/tenants", new { name = "acme" })).Content.ReadFromJsonAsync<JsonObject>();
        var key = await (await admin.PostAsJsonAsync($"admin/tenants/{tenant!["id"]}/keys", new { name = "template" })).Content.ReadFromJsonAsync<JsonObject>();
        using var call = new HttpRequestMessage(HttpMethod.Post, "v1/services/acme-translate/v1/analyze") { Content = JsonContent.Create(new { text = "One. Two three!" }) };
        call.Headers.Authorization = new("Bearer", key!["key"]!.GetValue<string>());

        using var response = await new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") }.SendAsync(call, timeout.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        result["words"]!.GetValue<int>().ShouldBe(3);
        result["sentences"]!.GetValue<int>().ShouldBe(2);
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
