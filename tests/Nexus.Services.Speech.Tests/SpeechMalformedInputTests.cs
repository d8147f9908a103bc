using System.Net.Sockets;
using System.Text;
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
        service.Requests.ServerErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Transcription_ClientDisconnectsMidUpload_IsNoServerError()
    {
        await using var service = await SpeechHost.StartAsync();
        var head = Encoding.ASCII.GetBytes(
            "POST /v1/audio/transcriptions HTTP/1.1\r\nHost: speech\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF");

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(service.BaseAddress.Host, service.BaseAddress.Port);
            await client.GetStream().WriteAsync(head);
            await Eventually.TrueAsync(() => service.Requests.Started > 0, "the upload to be under way");
            client.Client.LingerState = new LingerOption(true, 0); // Close with a reset, as a client that dies does.
        }

        var statuses = await Eventually.WaitAsync(() => service.Requests.Statuses.ToList(), s => s.Count > 0, "the service to finish the abandoned request");
        output.WriteLine($"the service finished the abandoned upload with {string.Join(", ", statuses)}");
        statuses.ShouldAllBe(status => status < 500);
    }

    private static int ExpectedStatus(string kind) => kind switch
    {
        "declared-longer-than-sent" => 408,
        "declared-over-limit" => 413,
        _ => 400,
    };
}
