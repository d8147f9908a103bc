using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Nexus.ContractChecker;

namespace Nexus.Templates.Tests;

/// <summary>The contract checker passes on every service the repository ships, wired as their Program.cs wire them.</summary>
public sealed class RepositoryServicesTests
{
    [Theory]
    [InlineData("gateway")]
    [InlineData("speech")]
    [InlineData("ocr")]
    [InlineData("inference")]
    [InlineData("image")]
    public async Task Checker_ServiceInTheRepository_FollowsTheContract(string service)
    {
        var app = await StartAsync(service, new Dictionary<string, string?>());
        try
        {
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var output = new StringWriter();

            var exitCode = await CheckerCommand.RunAsync([url], output, CancellationToken.None);

            exitCode.ShouldBe(0, output.ToString());
            output.ToString().ShouldContain($"'{service}'");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Starts a repository service in this process; the template test uses the gateway as the registry.</summary>
    internal static async Task<WebApplication> StartAsync(string service, IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = $"Nexus.{service}", EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = service,
            ["Nexus:Registry:Enabled"] = "false",
            ["Nexus:Gateway:BootstrapAdminKey"] = "nxadm-contract-check-admin-key",
            ["Nexus:Gateway:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"nexus-check-{Guid.NewGuid():N}.db"),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        switch (service)
        {
            case "gateway": builder.AddNexusGateway(); break;
            case "speech": builder.AddSpeechService(); break;
            case "inference": builder.AddInferenceService(); break;
            case "image": builder.AddImageService(); break;
            default: builder.AddOcrService(); break;
        }

        var app = builder.Build();
        app.MapDefaultEndpoints();
        switch (service)
        {
            case "gateway": app.MapNexusGateway(); break;
            case "speech": app.MapSpeechApi(); break;
            case "inference": app.MapInferenceApi(); break;
            case "image": app.MapImageApi(); break;
            default: app.MapOcrApi(); break;
        }

        await app.StartAsync();
        return app;
    }
}
