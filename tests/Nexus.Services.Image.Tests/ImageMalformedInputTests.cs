using Nexus.Testing;
using Xunit.Abstractions;

namespace Nexus.Services.Image.Tests;

/// <summary>A client's malformed request is its own 4xx in OpenAI's envelope: a 500 would count against the instance at the gateway.</summary>
public sealed class ImageMalformedInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fuzz_EveryFunction_NoServerErrorNoHangAndOpenAIErrors()
    {
        // The procedural development renderer is the backend: real requests that slip through render for real.
        await using var service = await ImageHost.StartAsync();

        var report = await ServiceFuzz.RunAsync(service.BaseAddress, seed: 14_014, total: 320, openAIRoutes: ["/v1/images/generations"]);

        output.WriteLine(report.Summary("image"));
        foreach (var failure in report.Failures) output.WriteLine(failure);
        report.Inputs.ShouldBeGreaterThanOrEqualTo(320);
        report.Failures.ShouldBeEmpty();
        service.Requests.ServerErrors.ShouldBeEmpty();
    }
}
