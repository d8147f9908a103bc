using System.Globalization;

namespace Nexus.Services.Ocr;

/// <summary>
/// Parses tesseract's TSV output: one row per page, block, paragraph, line (level 4) and word (level 5), with
/// the box and, for words, a confidence.
/// </summary>
internal static class TesseractOutput
{
    public static OcrResult Parse(string tsv, string language)
    {
        var lines = new List<OcrLine>();
        var words = new List<OcrWord>();
        OcrBox? lineBox = null;

        void Close()
        {
            if (lineBox is not null && words.Count > 0)
            {
                lines.Add(new OcrLine(string.Join(' ', words.Select(w => w.Text)), Math.Round(words.Average(w => w.Confidence), 2), lineBox, [.. words]));
            }

            words.Clear();
        }

        foreach (var row in tsv.Split('\n').Skip(1))
        {
            var columns = row.TrimEnd('\r').Split('\t');
            if (columns.Length < 12 || !int.TryParse(columns[0], CultureInfo.InvariantCulture, out var level)) continue;
            var box = new OcrBox(Int(columns[6]), Int(columns[7]), Int(columns[8]), Int(columns[9]));
            if (level == 4)
            {
                Close();
                lineBox = box;
            }
            else if (level == 5 && columns[11].Trim() is { Length: > 0 } text)
            {
                var confidence = double.TryParse(columns[10], CultureInfo.InvariantCulture, out var c) ? Math.Round(c, 2) : 0;
                words.Add(new OcrWord(text, confidence, box));
            }
        }

        Close();
        return new OcrResult(string.Join('\n', lines.Select(l => l.Text)), language, lines);
    }

    private static int Int(string value) => int.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
