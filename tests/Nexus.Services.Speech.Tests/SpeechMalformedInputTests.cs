using System.Text.Json.Nodes;
using Nexus.Testing;
using Xunit.Abstractions;

namespace Nexus.Services.Speech.Tests;

/// <summary>A client's malformed request is its own 4xx in OpenAI's envelope: a 500 would count against the instance at the gateway.</summary>
public sealed class SpeechMalformedInputTests(ITestOutputHelper output)
{
    private const int Seed = 14_014;
    private static readonly string[] OpenAIRoutes = ["/v1/audio/speech", "/v1/audio/transcriptions"];

    [Fact]
    public async Task Transcription_MalformedMultipart_Is4xxInOpenAIEnvelope()
    {
        await using var service = await SpeechHost.StartAsync();
        var inputs = new MalformedInputs(JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!, Seed).FixedCases("transcribe");

        var results = await Task.WhenAll(inputs.Select(async input => (input, response: await ServiceFuzz.SendAsync(service.BaseAddress, input))));

        foreach (var (input, response) in results)
        {
            output.WriteLine($"{input.Kind}: {response.Status} {response.Text[..Math.Min(160, response.Text.Length)]}");
            response.Status.ShouldBe(ExpectedStatus(input.Kind), input.ToString());
            ServiceFuzz.Check(response, openAI: true).ShouldBeNull(input.ToString());
        }
    }

    [SkippableFact]
    public async Task Fuzz_EveryFunction_NoServerErrorNoHangAndTheRoutesErrorFormat()
    {
        TestPrograms.Require("espeak-ng");
        TestPrograms.Require("ffmpeg");
        TestPrograms.Require("pocketsphinx_continuous");
        await using var service = await SpeechHost.StartAsync();

        var report = await ServiceFuzz.RunAsync(service.BaseAddress, Seed, total: 360, OpenAIRoutes);

        output.WriteLine(report.Summary("speech"));
        foreach (var failure in report.Failures) output.WriteLine(failure);
        report.Inputs.ShouldBeGreaterThanOrEqualTo(360);
        report.Failures.ShouldBeEmpty();
    }

    private static int ExpectedStatus(string kind) => kind switch
    {
        "declared-longer-than-sent" => 408,
        "declared-over-limit" => 413,
        _ => 400,
    };
}
