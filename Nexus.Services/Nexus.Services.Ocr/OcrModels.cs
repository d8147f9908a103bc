using System.Text.Json.Serialization;

namespace Nexus.Services.Ocr;

/// <summary>An image to read (multipart/form-data), described for the descriptor and the UI.</summary>
public sealed record OcrForm
{
    /// <summary>The image: PNG, JPEG, TIFF, BMP, GIF or WebP.</summary>
    [JsonPropertyName("file")]
    public required string File { get; init; }

    /// <summary>Tesseract language code(s), joined with '+' (e.g. eng, deu+eng); eng by default.</summary>
    [JsonPropertyName("language")]
    public string? Language { get; init; }
}

/// <summary>What tesseract read.</summary>
/// <param name="Text">All lines, newline-separated.</param>
/// <param name="Language">The language(s) used.</param>
/// <param name="Lines">Each line with its box and mean word confidence.</param>
public sealed record OcrResult(string Text, string Language, IReadOnlyList<OcrLine> Lines);

/// <summary>One line of text.</summary>
/// <param name="Text">The line's words, space-separated.</param>
/// <param name="Confidence">Mean word confidence, 0 to 100.</param>
/// <param name="Box">Where the line is, in pixels.</param>
/// <param name="Words">Its words.</param>
public sealed record OcrLine(string Text, double Confidence, OcrBox Box, IReadOnlyList<OcrWord> Words);

/// <summary>One recognised word.</summary>
/// <param name="Text">The word.</param>
/// <param name="Confidence">Confidence, 0 to 100.</param>
/// <param name="Box">Where the word is, in pixels.</param>
public sealed record OcrWord(string Text, double Confidence, OcrBox Box);

/// <summary>A rectangle in image pixels, from the top-left corner.</summary>
public sealed record OcrBox(int X, int Y, int Width, int Height);
