using System.Net;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Speech.Tests;

public sealed class SynthesisTests
{
    [SkippableFact]
    public async Task Speech_Wav_ReturnsStreamedWaveAudio()
    {
        TestPrograms.Require("espeak-ng");
        await using var service = await SpeechHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = "Hello from Nexus.", voice = "alloy", response_format = "wav" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/wav");
        response.Headers.TransferEncodingChunked.ShouldBe(true);
        var audio = await response.Content.ReadAsByteArrayAsync();
        audio[..4].ShouldBe("RIFF"u8.ToArray());
        audio[8..12].ShouldBe("WAVE"u8.ToArray());
        audio.Length.ShouldBeGreaterThan(10_000);
    }

    [SkippableFact]
    public async Task Speech_Pcm_IsRawSamplesWithoutHeader()
    {
        TestPrograms.Require("espeak-ng");
        await using var service = await SpeechHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = "Testing.", voice = "echo", response_format = "pcm" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("X-Sample-Rate").Single().ShouldBe("22050");
        var audio = await response.Content.ReadAsByteArrayAsync();
        audio[..4].ShouldNotBe("RIFF"u8.ToArray());
        (audio.Length % 2).ShouldBe(0);
    }

    [SkippableFact]
    public async Task Speech_Mp3_IsTranscodedByFfmpeg()
    {
        TestPrograms.Require("espeak-ng");
        TestPrograms.Require("ffmpeg");
        await using var service = await SpeechHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = "Testing.", voice = "nova" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        var audio = await response.Content.ReadAsByteArrayAsync();
        (audio[..3].SequenceEqual("ID3"u8.ToArray()) || (audio[0] == 0xFF && (audio[1] & 0xE0) == 0xE0)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"model":"tts-1","voice":"alloy"}""", 400, "input")]
    [InlineData("""{"model":"tts-1","input":"hi","voice":"no-such-voice"}""", 400, "voice")]
    [InlineData("""{"model":"tts-1","input":"hi","voice":"alloy","response_format":"ogg-vorbis"}""", 400, "response_format")]
    [InlineData("""{"model":"tts-1","input":"hi","voice":"alloy","speed":9}""", 400, "speed")]
    [InlineData("""{"model":"dall-e-3","input":"hi","voice":"alloy"}""", 404, "model")]
    [InlineData("""{"model":"tts-1","input":""", 400, null)]
    public async Task Speech_BadRequest_GetsOpenAIErrorNamingTheField(string body, int status, string? param)
    {
        TestPrograms.Require("espeak-ng");
        await using var service = await SpeechHost.StartAsync();

        using var response = await service.Http.PostAsync("v1/audio/speech", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).ShouldBe(status);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        error["param"]?.GetValue<string>().ShouldBe(param);
    }

    [Theory]
    [InlineData("POST", "text/plain", 415)]
    [InlineData("POST", "application/json; charset=nonsense", 415)]
    [InlineData("GET", null, 405)]
    public async Task Speech_WrongMethodOrContentType_GetsOpenAIErrorNot500(string method, string? contentType, int status)
    {
        await using var service = await SpeechHost.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), "v1/audio/speech");
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent("""{"model":"tts-1","input":"hi"}"""u8.ToArray());
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await service.Http.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Speech_InputTooLong_Is400()
    {
        await using var service = await SpeechHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = new string('a', 4097), voice = "alloy", response_format = "wav" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>().ShouldBe("string_above_max_length");
    }

    [Fact]
    public async Task Speech_EngineMissing_ReportsNotReadyAnd503WithTheReason()
    {
        await using var service = await SpeechHost.StartAsync(new Dictionary<string, string?>
        {
            ["Speech:Espeak"] = "/nonexistent/espeak-ng",
            ["Speech:Pocketsphinx"] = "/nonexistent/pocketsphinx_continuous",
        });

        using var health = await service.Http.GetAsync("health");
        using var speech = await service.Http.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = "hi", voice = "alloy", response_format = "wav" });
        var descriptor = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!;

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("/nonexistent/espeak-ng is not installed");
        speech.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        JsonNode.Parse(await speech.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>().ShouldContain("not installed");
        descriptor["models"]!.AsArray().ShouldAllBe(m => !m!["ready"]!.GetValue<bool>());
    }

    [SkippableFact]
    public async Task Voices_ComeFromEspeak()
    {
        TestPrograms.Require("espeak-ng");
        await using var service = await SpeechHost.StartAsync();

        var voices = JsonNode.Parse(await service.Http.GetStringAsync("v1/audio/voices"))!.AsArray();

        voices.Select(v => v!["language"]!.GetValue<string>()).ShouldContain("en-us");
    }

    [Fact]
    public void Speed_MapsOntoEspeakWordsPerMinute()
    {
        Synthesis.SpeechSynthesizer.WordsPerMinute(1.0).ShouldBe(175);
        Synthesis.SpeechSynthesizer.WordsPerMinute(0.25).ShouldBe(80);
        Synthesis.SpeechSynthesizer.WordsPerMinute(4.0).ShouldBe(450);
    }
}
