using System.Text.Json.Nodes;
using Nexus.Testing;
using Xunit.Abstractions;

namespace Nexus.Services.Ocr.Tests;

/// <summary>A client's malformed upload is its own 4xx in problem details: a 500 would count against the instance at the gateway.</summary>
public sealed class OcrMalformedInputTests(ITestOutputHelper output)
{
    private const int Seed = 14_014;

    [Fact]
    public async Task Ocr_MalformedMultipart_Is4xxProblemDetails()
    {
        await using var service = await OcrHost.StartAsync();
        var inputs = new MalformedInputs(JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!, Seed).FixedCases("read-text");

        var results = await Task.WhenAll(inputs.Select(async input => (input, response: await ServiceFuzz.SendAsync(service.BaseAddress, input))));

        inputs.Select(i => i.Kind).ShouldBeSubsetOf(results.Select(r => r.input.Kind));
        foreach (var (input, response) in results)
        {
            output.WriteLine($"{input.Kind}: {response.Status} {response.Text[..Math.Min(160, response.Text.Length)]}");
            response.Status.ShouldBe(ExpectedStatus(input.Kind), input.ToString());
            ServiceFuzz.Check(response, openAI: false).ShouldBeNull(input.ToString());
        }
    }

    [Fact]
    public async Task Fuzz_EveryFunction_NoServerErrorNoHangAndProblemDetails()
    {
        await using var service = await OcrHost.StartAsync();

        var report = await ServiceFuzz.RunAsync(service.BaseAddress, Seed, total: 320, openAIRoutes: []);

        output.WriteLine(report.Summary("ocr"));
        foreach (var failure in report.Failures) output.WriteLine(failure);
        report.Inputs.ShouldBeGreaterThanOrEqualTo(320);
        report.Failures.ShouldBeEmpty();
        service.Requests.ServerErrors.ShouldBeEmpty();
    }

    internal static int ExpectedStatus(string kind) => kind switch
    {
        "declared-longer-than-sent" => 408,
        "declared-over-limit" => 413,
        _ => 400,
    };
}
