using System.Text.RegularExpressions;

namespace Nexus.Services.Engines;

/// <summary>
/// What each engine writes to its error output when the file it was given cannot be read, as the Debian builds print
/// it (tesseract 5.3 with leptonica 1.82, ffmpeg 5.1, sox 14.4) for corrupt, truncated and mislabelled uploads. A
/// failure whose output matches none of these (a missing library, language data or output directory, a crash) stays
/// the engine's failure.
/// </summary>
public static partial class UnreadableInput
{
    /// <summary>leptonica's readers: "libpng error: Read Error", "Error in pixReadStreamPng: internal png error",
    /// "Error in findFileFormatStream: truncated file", "Image file ... cannot be read!".</summary>
    [GeneratedRegex(@"^(libpng error|Error in (pixRead|findFileFormat|findTiff)\w*:|Image file .* cannot be read)")]
    public static partial Regex Tesseract();

    /// <summary>ffmpeg's demuxers and decoders: "x.wav: Invalid data found when processing input", "moov atom not
    /// found", "Output file #0 does not contain any stream" (no audio in it), "Failed to read frame size".</summary>
    [GeneratedRegex(@"Invalid data found when processing input|does not contain any stream|moov atom not found|Invalid argument$|Failed to read frame|Could not seek|could not find codec parameters|Error while decoding|Invalid frame|Header missing|Error opening input")]
    public static partial Regex Ffmpeg();

    /// <summary>sox: "sox FAIL formats: can't open input file `x': WAVE: RIFF header not found", "no handler for file
    /// extension `mp3'".</summary>
    [GeneratedRegex(@"FAIL formats: (can't open input file|no handler for)")]
    public static partial Regex Sox();
}
