using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nexus.Services.Engines;

namespace Nexus.Services.Speech.Synthesis;

/// <summary>A voice espeak-ng has installed.</summary>
public sealed record Voice(string Name, string Language, string Gender, string Description);

/// <summary>
/// The voices espeak-ng reports (<c>espeak-ng --voices</c>, read once), and the mapping of OpenAI's voice names onto
/// them, so an OpenAI client's <c>voice: "nova"</c> works unchanged.
/// </summary>
internal sealed partial class VoiceCatalog(IOptions<SpeechOptions> options)
{
    /// <summary>OpenAI's voices, each given a distinct espeak-ng voice and variant.</summary>
    public static readonly IReadOnlyDictionary<string, string> OpenAIVoices = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["alloy"] = "en-us",
        ["ash"] = "en-us+m2",
        ["ballad"] = "en-gb+m4",
        ["coral"] = "en-us+f2",
        ["echo"] = "en-us+m3",
        ["fable"] = "en-gb",
        ["onyx"] = "en-us+m7",
        ["nova"] = "en-us+f3",
        ["sage"] = "en-gb+f3",
        ["shimmer"] = "en-us+f4",
        ["verse"] = "en-us+m5",
    };

    private readonly Lazy<Task<IReadOnlyList<Voice>>> _voices = new(() => LoadAsync(options.Value.Espeak));

    public Task<IReadOnlyList<Voice>> GetVoicesAsync() => _voices.Value;

    /// <summary>The espeak-ng voice for a requested name, or <c>null</c> when espeak-ng has no such voice.</summary>
    public async Task<string?> ResolveAsync(string? requested)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? "alloy" : requested.Trim();
        if (OpenAIVoices.TryGetValue(name.ToLowerInvariant(), out var mapped)) return mapped;

        var match = VoiceName().Match(name);
        if (!match.Success) return null;
        var voices = await GetVoicesAsync();
        var language = match.Groups["voice"].Value;
        return voices.Any(v => string.Equals(v.Language, language, StringComparison.OrdinalIgnoreCase) || string.Equals(v.Name, language, StringComparison.OrdinalIgnoreCase))
            ? name
            : null;
    }

    private static async Task<IReadOnlyList<Voice>> LoadAsync(string espeak)
    {
        var executable = Programs.Resolve(espeak) ?? throw new EngineUnavailableException($"{espeak} is not installed.");
        await using var process = EngineProcess.Start(executable, ["--voices"], TimeSpan.FromSeconds(10), CancellationToken.None);
        process.Input.Close();
        using var reader = new StreamReader(process.Output);
        var voices = new List<Voice>();
        await reader.ReadLineAsync(); // header: Pty Language Age/Gender VoiceName File Other Languages
        while (await reader.ReadLineAsync() is { } line)
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 5) continue;
            var gender = columns[2].Split('/').Last() switch { "M" => "male", "F" => "female", _ => "unspecified" };
            voices.Add(new Voice(columns[3], columns[1], gender, columns[3].Replace('_', ' ')));
        }

        await process.WaitForSuccessAsync();
        return voices;
    }

    /// <summary>An espeak-ng voice name with an optional variant: <c>en-us</c>, <c>en-us+m3</c>.</summary>
    [GeneratedRegex(@"^(?<voice>[A-Za-z0-9_-]{1,40})(\+[a-z0-9]{1,10})?$")]
    private static partial Regex VoiceName();
}
