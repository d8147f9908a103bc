using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Nexus.Services.Engines;

namespace Nexus.Services.Speech.Synthesis;

/// <summary>A validated synthesis job.</summary>
internal sealed record SynthesisPlan(string Text, string Voice, int WordsPerMinute, string Format);

/// <summary>
/// Runs espeak-ng and streams its audio to the response as it is produced: WAV as is, PCM without the header,
/// other formats through ffmpeg reading espeak-ng's output as it arrives.
/// </summary>
internal sealed class SpeechSynthesizer(IOptions<SpeechOptions> options, EngineGate gate)
{
    /// <summary>espeak-ng's normal rate; OpenAI's speed 1.0 maps onto it.</summary>
    private const int NormalWordsPerMinute = 175;

    public async Task StreamAsync(SynthesisPlan plan, HttpResponse response, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var espeak = Programs.Resolve(settings.Espeak) ?? throw new EngineUnavailableException($"{settings.Espeak} is not installed; speech synthesis is unavailable.");
        var ffmpeg = AudioFormats.IsNative(plan.Format) ? null : Programs.Resolve(settings.Ffmpeg);

        using var slot = await gate.EnterAsync(cancellationToken);
        await using var synthesis = EngineProcess.Start(
            espeak,
            ["-v", plan.Voice, "-s", plan.WordsPerMinute.ToString(CultureInfo.InvariantCulture), "--stdout"],
            settings.EngineTimeout,
            cancellationToken);

        // The text goes through stdin, never the command line: no argument can be mistaken for an option.
        await synthesis.Input.WriteAsync(Encoding.UTF8.GetBytes(plan.Text), cancellationToken);
        synthesis.Input.Close();

        response.ContentType = AudioFormats.ContentTypes[plan.Format];
        response.Headers["X-Sample-Rate"] = AudioFormats.SampleRate.ToString(CultureInfo.InvariantCulture);

        if (ffmpeg is null)
        {
            if (plan.Format == "pcm") await SkipAsync(synthesis.Output, AudioFormats.WavHeaderBytes, cancellationToken);
            await CopyFlushingAsync(synthesis.Output, response, cancellationToken);
            await synthesis.WaitForSuccessAsync();
            return;
        }

        await using var encoder = EngineProcess.Start(ffmpeg, AudioFormats.FfmpegArguments(plan.Format), settings.EngineTimeout, cancellationToken);
        var feed = FeedAsync(synthesis.Output, encoder.Input, cancellationToken);
        await CopyFlushingAsync(encoder.Output, response, cancellationToken);
        await feed;
        await synthesis.WaitForSuccessAsync();
        await encoder.WaitForSuccessAsync();
    }

    /// <summary>OpenAI's speed (0.25 to 4.0) as espeak-ng words per minute, within espeak-ng's range.</summary>
    public static int WordsPerMinute(double speed) => Math.Clamp((int)Math.Round(NormalWordsPerMinute * speed), 80, 450);

    private static async Task FeedAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        await from.CopyToAsync(to, cancellationToken);
        to.Close();
    }

    /// <summary>Copies and flushes each chunk, so the client hears the start while the end is still being synthesised.</summary>
    private static async Task CopyFlushingAsync(Stream from, HttpResponse response, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }

    private static async Task SkipAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await stream.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, cancellationToken);
    }
}
