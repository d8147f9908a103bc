using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nexus.Contract;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785): no whitespace, object members sorted by the UTF-16 code units of their
/// names, strings with only the escapes JSON requires, numbers as ECMAScript writes an IEEE 754 double. Written here
/// because no package the project can use implements it, and it is small: what the descriptor hash needs to be
/// computable byte for byte in any language.
/// </summary>
internal static class JsonCanonicalizer
{
    /// <summary>The canonical UTF-8 bytes of a JSON value.</summary>
    public static byte[] Canonicalize(JsonElement value)
    {
        var text = new StringBuilder();
        Write(value, text);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Write(JsonElement value, StringBuilder text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                // Ordinal comparison of .NET strings is comparison of UTF-16 code units, as RFC 8785 section 3.2.3 asks.
                foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    if (!first) text.Append(',');
                    first = false;
                    WriteString(member.Name, text);
                    text.Append(':');
                    Write(member.Value, text);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0) text.Append(',');
                    Write(item, text);
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(value.GetString()!, text);
                break;
            case JsonValueKind.Number:
                text.Append(FormatNumber(value.GetDouble()));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                throw new ArgumentException($"A {value.ValueKind} is not a JSON value.", nameof(value));
        }
    }

    /// <summary>RFC 8785 section 3.2.2.2: <c>"</c>, <c>\</c> and the C0 controls are escaped, nothing else.</summary>
    private static void WriteString(string value, StringBuilder text)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }

            if (char.IsSurrogate(c)) throw new ArgumentException("A string holds an unpaired surrogate, which RFC 8785 does not allow.", nameof(value));
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }

    /// <summary>
    /// ECMAScript's Number::toString (ECMA-262, 6.1.6.1.20), which RFC 8785 section 3.2.2.3 prescribes: the shortest
    /// digits that round-trip (what .NET's "R" format finds), placed by the value's decimal exponent.
    /// </summary>
    internal static string FormatNumber(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException("NaN and infinities are not JSON numbers.", nameof(value));
        if (value == 0) return "0"; // minus zero too

        var (digits, exponent) = ShortestDigits(Math.Abs(value));
        var sign = value < 0 ? "-" : string.Empty;
        var k = digits.Length;
        var n = exponent; // value = 0.digits × 10^n

        string body;
        if (k <= n && n <= 21) body = digits + new string('0', n - k);
        else if (0 < n && n <= 21) body = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0) body = "0." + new string('0', -n) + digits;
        else
        {
            var e = n - 1;
            var mantissa = k == 1 ? digits : digits[..1] + "." + digits[1..];
            body = mantissa + "e" + (e < 0 ? "-" : "+") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        }

        return sign + body;
    }

    /// <summary>The shortest round-trip significant digits of a positive double, and n such that value = 0.digits × 10^n.</summary>
    private static (string Digits, int Exponent) ShortestDigits(double value)
    {
        // "E16" would give 17 digits, not the shortest; "R" gives the shortest, in fixed or exponent form.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var point = r.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = point >= 0 ? point : r.Length;
        var all = r.Replace(".", string.Empty, StringComparison.Ordinal);
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        if (digits.Length == 0) digits = "0";
        return (digits, integerDigits - leadingZeros + exponent);
    }
}
