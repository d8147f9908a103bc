using System.Net;
using System.Text.Json.Nodes;
using Nexus.Services.Speech.Transcription;
using Nexus.Testing;

namespace Nexus.Services.Speech.Tests;

public sealed class TranscriptionTests
{
    [SkippableFact]
    public async Task RoundTrip_SynthesisedSentence_IsTranscribedBackByPocketsphinx()
    {
        TestPrograms.Require("espeak-ng");
        TestPrograms.Require("pocketsphinx_continuous");
        await using var service = await SpeechHost.StartAsync();
        using var speech = await service.Http.PostAsJsonAsync("v1/audio/speech", new
        {
            model = "tts-1",
            input = "hello world this is a test of speech recognition",
            voice = "en-us+m3",
            speed = 120 / 175.0,
            response_format = "wav",
        });
        speech.EnsureSuccessStatusCode();
        var audio = await speech.Content.ReadAsByteArrayAsync();

        using var form = Form(audio, "speech.wav", "pocketsphinx-en-us", "verbose_json");
        using var response = await service.Http.PostAsync("v1/audio/transcriptions", form);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var transcript = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var words = transcript["text"]!.GetValue<string>().Split(' ');
        // pocketsphinx is weak on synthetic speech: a few words must survive, not the sentence.
        words.Intersect(["hello", "world", "test", "speech", "recognition"]).Count().ShouldBeGreaterThanOrEqualTo(2);
        transcript["words"]!.AsArray().Count.ShouldBeGreaterThan(2);
        transcript["duration"]!.GetValue<double>().ShouldBeGreaterThan(1);
    }

    [SkippableFact]
    public async Task Transcription_TextFormat_IsPlainText()
    {
        TestPrograms.Require("espeak-ng");
        TestPrograms.Require("pocketsphinx_continuous");
        await using var service = await SpeechHost.StartAsync();
        using var speech = await service.Http.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = "hello world", voice = "alloy", response_format = "wav" });
        var audio = await speech.Content.ReadAsByteArrayAsync();

        using var response = await service.Http.PostAsync("v1/audio/transcriptions", Form(audio, "a.wav", "pocketsphinx-en-us", "text"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
    }

    [SkippableFact]
    public async Task Transcription_NotAudio_Is400()
    {
        TestPrograms.Require("pocketsphinx_continuous");
        TestPrograms.Require("ffmpeg");
        await using var service = await SpeechHost.StartAsync();

        using var response = await service.Http.PostAsync("v1/audio/transcriptions", Form("this is not audio"u8.ToArray(), "notes.wav", "pocketsphinx-en-us", "json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>().ShouldBe("file");
    }

    [SkippableTheory]
    [InlineData("corrupt.png", "ffmpeg")]
    [InlineData("truncated.m4a", "ffmpeg")]
    [InlineData("notes.wav", "sox")]
    public async Task Transcription_UndecodableAudio_Is400WithTheConvertersReason(string fileName, string converter)
    {
        TestPrograms.Require("pocketsphinx_continuous");
        TestPrograms.Require(converter);
        // With ffmpeg absent (a path that does not exist), sox converts.
        var settings = converter == "sox" ? new Dictionary<string, string?> { ["Speech:Ffmpeg"] = "/nonexistent/ffmpeg" } : null;
        await using var service = await SpeechHost.StartAsync(settings);
        byte[] upload = fileName switch
        {
            "corrupt.png" => [0x89, .. "PNG\r\n\x1a\n"u8.ToArray(), .. new byte[64]],
            "truncated.m4a" => [0, 0, 0, 0x20, .. "ftypM4A \0\0\0\0M4A mp42isom"u8.ToArray()],
            _ => "not audio at all"u8.ToArray(),
        };

        using var response = await service.Http.PostAsync("v1/audio/transcriptions", Form(upload, fileName, "pocketsphinx-en-us", "json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("invalid_audio");
        error["message"]!.GetValue<string>().ShouldContain($"{converter} cannot read the input");
        error["message"]!.GetValue<string>().ShouldNotContain(Path.GetTempPath());
    }

    [SkippableFact]
    public async Task Transcription_LongerThanMaxAudioDuration_Is400BeforePocketsphinxRuns()
    {
        TestPrograms.Require("pocketsphinx_continuous");
        TestPrograms.Require("ffmpeg");
        await using var service = await SpeechHost.StartAsync(new Dictionary<string, string?> { ["Speech:MaxAudioDuration"] = "00:00:02" });

        using var response = await service.Http.PostAsync("v1/audio/transcriptions", Form(SilentWav(seconds: 5), "long.wav", "pocketsphinx-en-us", "json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("audio_too_long");
        error["message"]!.GetValue<string>().ShouldContain("00:00:02");
    }

    [SkippableFact]
    public async Task Transcription_ConverterBroken_Is503NotTheClientsFault()
    {
        TestPrograms.Require("espeak-ng");
        TestPrograms.Require("pocketsphinx_continuous");
        // Fails as an ffmpeg that cannot write its output does, whatever it is given.
        var ffmpeg = Path.Combine(Path.GetTempPath(), $"nexus-broken-ffmpeg-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(ffmpeg, "#!/bin/sh\necho \"out.wav: No space left on device\" >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(ffmpeg, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            await using var service = await SpeechHost.StartAsync(new Dictionary<string, string?> { ["Speech:Ffmpeg"] = ffmpeg });
            using var speech = await service.Http.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = "hello", voice = "alloy", response_format = "wav" });
            var audio = await speech.Content.ReadAsByteArrayAsync();

            using var response = await service.Http.PostAsync("v1/audio/transcriptions", Form(audio, "hello.wav", "pocketsphinx-en-us", "json"));

            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync());
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>().ShouldContain("No space left on device");
        }
        finally
        {
            File.Delete(ffmpeg);
        }
    }

    [Theory]
    [InlineData(null, "pocketsphinx-en-us", "json", 400, "file")]
    [InlineData("audio", null, "json", 400, "model")]
    [InlineData("audio", "whisper-9", "json", 404, "model")]
    [InlineData("audio", "pocketsphinx-en-us", "srt", 400, "response_format")]
    public async Task Transcription_BadForm_GetsOpenAIErrorNamingTheField(string? file, string? model, string format, int status, string param)
    {
        await using var service = await SpeechHost.StartAsync();
        using var form = new MultipartFormDataContent();
        if (file is not null) form.Add(new ByteArrayContent("RIFF"u8.ToArray()), "file", "a.wav");
        if (model is not null) form.Add(new StringContent(model), "model");
        form.Add(new StringContent(format), "response_format");

        using var response = await service.Http.PostAsync("v1/audio/transcriptions", form);

        ((int)response.StatusCode).ShouldBe(status);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>().ShouldBe(param);
    }

    [Fact]
    public async Task Transcription_NotMultipart_Is400()
    {
        await using var service = await SpeechHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/audio/transcriptions", new { model = "pocketsphinx-en-us" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Transcription_UpstreamModel_GoesThroughTheOpenAIProtocol()
    {
        await using var upstream = await FakeWhisperAsync();
        await using var service = await SpeechHost.StartAsync(new Dictionary<string, string?>
        {
            ["Speech:Upstream:Url"] = upstream.Url,
            ["Speech:Upstream:ApiKey"] = "sk-upstream",
            ["Speech:Upstream:Model"] = "large-v3",
        });

        using var response = await service.Http.PostAsync("v1/audio/transcriptions", Form([1, 2, 3, 4], "clip.mp3", "whisper-1", "verbose_json"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var transcript = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        transcript["text"]!.GetValue<string>().ShouldBe("the quick brown fox");
        transcript["segments"]![0]!["end"]!.GetValue<double>().ShouldBe(1.5);
        upstream.LastAuthorization.ShouldBe("Bearer sk-upstream");
        upstream.LastModel.ShouldBe("large-v3");
    }

    [Fact]
    public void Parse_PocketsphinxOutput_GivesSegmentsAndWordsWithoutMarkers()
    {
        const string output = "hello world\n<s> 0.000 0.070 0.998\nhello 0.080 0.420 0.35\nworld(2) 0.430 0.910 0.99\n<sil> 0.92 1.0 0.8\n</s> 1.0 1.1 1.0\n";

        var transcript = PocketsphinxTranscriber.Parse(output);

        transcript.Text.ShouldBe("hello world");
        transcript.Words.Select(w => w.Word).ShouldBe(["hello", "world"]);
        transcript.Segments.Single().End.ShouldBe(0.91);
    }

    /// <summary>16 kHz mono 16-bit PCM silence in a WAV file.</summary>
    private static byte[] SilentWav(int seconds)
    {
        var data = 16_000 * 2 * seconds;
        using var wav = new MemoryStream();
        using var writer = new BinaryWriter(wav);
        writer.Write("RIFF"u8);
        writer.Write(36 + data);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(16_000);
        writer.Write(16_000 * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(data);
        writer.Write(new byte[data]);
        writer.Flush();
        return wav.ToArray();
    }

    private static MultipartFormDataContent Form(byte[] audio, string fileName, string model, string format)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(audio), "file", fileName },
            { new StringContent(model), "model" },
            { new StringContent(format), "response_format" },
        };
        return form;
    }

    /// <summary>An OpenAI-compatible transcription server: multipart in, verbose_json out.</summary>
    private static async Task<FakeWhisper> FakeWhisperAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeWhisper(app);
        app.MapPost("/v1/audio/transcriptions", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            fake.LastAuthorization = request.Headers.Authorization;
            fake.LastModel = form["model"];
            if (form.Files.GetFile("file") is null) return Results.BadRequest();
            return Results.Json(new
            {
                task = "transcribe",
                language = "english",
                duration = 1.5,
                text = "the quick brown fox",
                segments = new[] { new { id = 0, seek = 0, start = 0.0, end = 1.5, text = "the quick brown fox", tokens = new[] { 1 }, temperature = 0.0, avg_logprob = -0.1, compression_ratio = 1.0, no_speech_prob = 0.0 } },
                words = new[] { new { word = "the", start = 0.0, end = 0.2 } },
            });
        }).DisableAntiforgery();
        fake.Url = (await TestWebHost.StartAsync(app)).ToString().TrimEnd('/');
        return fake;
    }

    private sealed class FakeWhisper(WebApplication app) : IAsyncDisposable
    {
        public string Url { get; set; } = string.Empty;
        public string? LastAuthorization { get; set; }
        public string? LastModel { get; set; }

        public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(app);
    }
}
