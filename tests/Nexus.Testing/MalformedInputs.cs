using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nexus.Testing;

/// <summary>One request a client should never be able to turn into a 5xx.</summary>
public sealed record MalformedInput(
    string Function,
    string Kind,
    string Method,
    string PathAndQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    long? DeclaredLength = null)
{
    public override string ToString() => $"{Function}/{Kind}: {Method} {PathAndQuery} ({DeclaredLength ?? Body.Length} bytes)";
}

/// <summary>
/// Malformed requests for every function a service's <c>/v1/metadata</c> lists, from a fixed seed so a failure
/// repeats: bad and truncated JSON, wrong types, missing and duplicate keys, extreme numbers, invalid UTF-8 and
/// lone surrogates, deep nesting, huge and empty bodies, wrong content types, long headers, bad query strings, and
/// broken multipart (no boundary, truncated, no closing boundary, bad Content-Disposition, part headers over 16 KiB,
/// data before the first boundary, over 1024 parts, a boundary over 128 characters, files as text fields).
/// </summary>
public sealed class MalformedInputs
{
    private const string Boundary = "nexus-fuzz-boundary";
    private static readonly byte[][] InvalidUtf8 = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3]];
    private static readonly string[] ExtremeNumbers =
        ["1e309", "-1e309", "1e-400", "9223372036854775807", "-9223372036854775808", "18446744073709551616", "123456789012345678901234567890", "-0", "0.0000000000000000000001", "NaN", "Infinity", "01", "0x10", "1.", ".5", "+1"];

    private static readonly string[] FileHeads = ["\x89PNG\r\n\x1a\n", "\xFF\xD8\xFF", "GIF89a", "BM", "II*\0", "RIFF\0\0\0\0WAVEfmt ", "RIFF\0\0\0\0WEBP", "ID3\x03", "OggS", "fLaC", "", "plain text"];

    private readonly Random _random;
    private readonly IReadOnlyList<Function> _functions;
    private readonly IReadOnlyList<string> _models;

    public MalformedInputs(JsonNode metadata, int seed)
    {
        _random = new Random(seed);
        _models = metadata["models"]?.AsArray().Select(m => m?["id"]?.GetValue<string>()).OfType<string>().ToList() ?? [];
        _functions = metadata["functions"]!.AsArray().Select(f => Function.From(f!)).ToList();
    }

    /// <summary>At least <paramref name="total"/> inputs, spread evenly over the functions, each function's fixed cases first.</summary>
    public IReadOnlyList<MalformedInput> Generate(int total)
    {
        var inputs = new List<MalformedInput>();
        var perFunction = (int)Math.Ceiling(total / (double)Math.Max(1, _functions.Count));
        foreach (var function in _functions)
        {
            var own = new List<MalformedInput>(Fixed(function));
            while (own.Count < perFunction) own.Add(Random(function));
            inputs.AddRange(own);
        }

        return inputs;
    }

    /// <summary>The named cases every function of its kind gets (the multipart variants, empty and oversized bodies).</summary>
    public IReadOnlyList<MalformedInput> FixedCases(string function) => [.. Fixed(_functions.Single(f => f.Name == function))];

    private IEnumerable<MalformedInput> Fixed(Function f)
    {
        if (f.Accepts("multipart/form-data"))
        {
            var valid = Multipart(f, Boundary, closed: true);
            yield return Input(f, "no-boundary", "multipart/form-data", valid);
            yield return Input(f, "body-x", MultipartType(), "x"u8.ToArray());
            yield return Input(f, "truncated", MultipartType(), valid[..(valid.Length / 2)]);
            yield return Input(f, "no-closing-boundary", MultipartType(), Multipart(f, Boundary, closed: false));
            yield return Input(f, "bad-content-disposition", MultipartType(), Parts([("Content-Disposition: garbage;;;=", "abc"u8.ToArray())]));
            yield return Input(f, "part-header-over-16k", MultipartType(), Parts([($"Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nX-Long: {new string('a', 17_000)}", "abc"u8.ToArray())]));
            yield return Input(f, "data-before-first-boundary", MultipartType(), [.. Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("preamble\r\n", 2000))), .. valid]);
            yield return Input(f, "over-1024-parts", MultipartType(), Parts(Enumerable.Range(0, 1100).Select(i => ($"Content-Disposition: form-data; name=\"f{i}\"", "v"u8.ToArray()))));
            var longBoundary = new string('b', 200);
            yield return Input(f, "boundary-over-128", MultipartType(longBoundary), Multipart(f, longBoundary, closed: true));
            yield return Input(f, "empty-body", MultipartType(), []);
            yield return Input(f, "missing-file", MultipartType(), Parts(f.TextFields.Select(p => ($"Content-Disposition: form-data; name=\"{p}\"", Encoding.UTF8.GetBytes(Text(p))))));
            yield return Input(f, "file-as-text-field", MultipartType(), Parts(f.Properties.Select(p => ($"Content-Disposition: form-data; name=\"{p}\"", Encoding.UTF8.GetBytes(Text(p))))));
            yield return Input(f, "large-text-field", MultipartType(), Parts([("Content-Disposition: form-data; name=\"prompt\"", new byte[5 * 1024 * 1024])]));
        }
        else if (f.Accepts("application/json"))
        {
            yield return Input(f, "empty-body", "application/json", []);
            yield return Input(f, "deep-nesting", "application/json", Encoding.ASCII.GetBytes(new string('[', 100_000) + new string(']', 100_000)));
            yield return Input(f, "huge-string", "application/json", Json(f, f.Properties.FirstOrDefault() ?? "x", JsonValue.Create(new string('a', 2 * 1024 * 1024))));
        }

        if (f.Method != "GET")
        {
            // Over the body size limit by declaration alone: refused before anything is read.
            var contentType = ContentTypeOf(f);
            yield return Input(f, "declared-over-limit", contentType, "{}"u8.ToArray(), declaredLength: 100L * 1024 * 1024 * 1024);
            // A huge declared length and a short body that never completes: the server must give up, not hang.
            var valid = Valid(f);
            yield return Input(f, "declared-longer-than-sent", contentType, valid, declaredLength: valid.Length + 1_000_000);
        }
    }

    private MalformedInput Random(Function f)
    {
        var cases = f.Accepts("multipart/form-data") ? MultipartCases : f.Accepts("application/json") ? JsonCases : QueryCases;
        var mutate = cases[_random.Next(cases.Length)];
        return mutate(this, f);
    }

    private static readonly Func<MalformedInputs, Function, MalformedInput>[] CommonCases =
    [
        (g, f) => g.Input(f, "wrong-content-type", g.Pick("text/plain", "application/xml", "application/x-www-form-urlencoded", "application/octet-stream", "image/png", "multipart/mixed; boundary=x", "application/json; charset=utf-16", "application/json; charset=nonsense", ";;;", "application/"), g.Bytes(g._random.Next(0, 300))),
        (g, f) => g.Input(f, "random-bytes", ContentTypeOf(f), g.Bytes(g._random.Next(1, 4000))),
        (g, f) => g.Input(f, "long-header", ContentTypeOf(f), g.Valid(f), headers: [new(g.Pick("X-Request-Id", "traceparent", "tracestate", "Accept", "Accept-Language", "X-Forwarded-For", "Cookie", "baggage"), new string(g.Pick('a', '-', '0', ',', ';'), g._random.Next(4000, 12000)))]),
        (g, f) => g.Input(f, "garbage-header", ContentTypeOf(f), g.Valid(f), headers: [new(g.Pick("traceparent", "X-Request-Id", "Accept", "If-None-Match", "Range"), g.Pick("00-zz-zz-zz", "\t", "bytes=-99999999999999999999", "*/*;q=nan", "00-00000000000000000000000000000000-0000000000000000-00", "text/*;;;q=2"))]),
        (g, f) => g.Input(f, "bad-query", ContentTypeOf(f), g.Valid(f), query: g.Pick("?%zz", "?%ff%fe=%c0%80", "?a=" + new string('b', 6000), "?" + string.Join('&', Enumerable.Repeat("x=1", 500)), "?model=%00", "?=&=&", "?%E0%A4%A")),
    ];

    private static readonly Func<MalformedInputs, Function, MalformedInput>[] JsonCases =
    [
        .. CommonCases,
        (g, f) => g.Input(f, "truncated-json", "application/json", g.Truncate(g.Valid(f))),
        (g, f) => g.Input(f, "flipped-byte", "application/json", g.Flip(g.Valid(f))),
        (g, f) => g.Input(f, "wrong-type", "application/json", g.Json(f, g.Property(f), g.WrongType())),
        (g, f) => g.Input(f, "extreme-number", "application/json", g.RawJson(f, g.Property(f), g.Pick(ExtremeNumbers))),
        (g, f) => g.Input(f, "invalid-utf8", "application/json", g.RawJson(f, g.Property(f), [.. "\"a"u8.ToArray(), .. g.Pick(InvalidUtf8), .. "\""u8.ToArray()])),
        (g, f) => g.Input(f, "lone-surrogate", "application/json", g.RawJson(f, g.Property(f), g.Pick("\"\\ud800\"", "\"\\udfff x\"", "\"\\u0000\"", "\"\\uZZZZ\"", "\"\\"))),
        (g, f) => g.Input(f, "duplicate-key", "application/json", g.Duplicate(f)),
        (g, f) => g.Input(f, "missing-required", "application/json", g.Without(f)),
        (g, f) => g.Input(f, "not-an-object", "application/json", Encoding.UTF8.GetBytes(g.Pick("[]", "null", "1", "\"x\"", "true", "[{}]", "{}", "{\"\":1}", " ", "\uFEFF{}", "{\"a\":1}{\"b\":2}", "{'model':'x'}", "{model:1}", "{\"a\":1,}", "/*c*/{}"))),
        (g, f) => g.Input(f, "nested", "application/json", g.RawJson(f, g.Property(f), g.Nested(g._random.Next(60, 300)))),
    ];

    private static readonly Func<MalformedInputs, Function, MalformedInput>[] MultipartCases =
    [
        .. CommonCases,
        (g, f) => g.Input(f, "truncated-multipart", MultipartType(), g.Truncate(g.Multipart(f, Boundary, closed: true))),
        (g, f) => g.Input(f, "flipped-byte", MultipartType(), g.Flip(g.Multipart(f, Boundary, closed: true))),
        (g, f) => g.Input(f, "other-boundary", MultipartType(g.Pick("other", "\"quoted\"", "a b", "", "x;y", new string('q', 70))), g.Multipart(f, Boundary, closed: true)),
        (g, f) => g.Input(f, "garbage-file", MultipartType(), g.Multipart(f, Boundary, closed: true, file: [.. Encoding.Latin1.GetBytes(g.Pick(FileHeads)), .. g.Bytes(g._random.Next(0, 2000))])),
        (g, f) => g.Input(f, "wrong-field-value", MultipartType(), g.Multipart(f, Boundary, closed: true, text: g.Pick("", " ", "\0", new string('z', 10_000), "../../etc/passwd", "eng; rm -rf /", "1e309", "[]", "{\"a\":1}", "-1"))),
        (g, f) => g.Input(f, "invalid-utf8-field", MultipartType(), g.Parts([($"Content-Disposition: form-data; name=\"{g.Property(f)}\"", g.Pick(InvalidUtf8)), .. g.FileParts(f)])),
        (g, f) => g.Input(f, "odd-filename", MultipartType(), g.Multipart(f, Boundary, closed: true, fileName: g.Pick("../../../etc/passwd", "", "a\0b.png", new string('n', 5000) + ".wav", "x.", ".png", "a\"b.png", "%00.wav", "\u00e9\u00e8.png"))),
        (g, f) => g.Input(f, "duplicate-fields", MultipartType(), g.Parts([.. g.FileParts(f), .. g.FileParts(f), .. f.TextFields.SelectMany(p => new[] { ($"Content-Disposition: form-data; name=\"{p}\"", Encoding.UTF8.GetBytes(g.Text(p))), ($"Content-Disposition: form-data; name=\"{p}\"", "other"u8.ToArray()) })])),
        (g, f) => g.Input(f, "bad-part-headers", MultipartType(), g.Parts([(g.Pick("Content-Disposition: form-data", "Content-Disposition: form-data; name=", "Content-Disposition: attachment; name=\"file\"", "no colon here", "Content-Disposition: form-data; name=\"file\"; filename*=utf-8''%ff", ": empty name", "Content-Type: text/plain"), "abc"u8.ToArray())])),
        (g, f) => g.Input(f, "many-parts", MultipartType(), g.Parts(Enumerable.Range(0, g._random.Next(1000, 1100)).Select(i => ($"Content-Disposition: form-data; name=\"model\"", "x"u8.ToArray())))),
    ];

    private static readonly Func<MalformedInputs, Function, MalformedInput>[] QueryCases =
    [
        .. CommonCases,
        (g, f) => g.Input(f, "body-on-get", g.Pick("application/json", "multipart/form-data", "text/plain"), g.Bytes(g._random.Next(1, 2000))),
    ];

    private MalformedInput Input(Function f, string kind, string? contentType, byte[] body, long? declaredLength = null, IReadOnlyList<KeyValuePair<string, string>>? headers = null, string query = "")
    {
        var all = new List<KeyValuePair<string, string>>();
        if (contentType is not null && (body.Length > 0 || f.Method != "GET")) all.Add(new("Content-Type", contentType));
        all.AddRange(headers ?? []);
        return new MalformedInput(f.Name, kind, f.Method, f.Path + query, all, body, declaredLength);
    }

    private byte[] Valid(Function f) =>
        f.Accepts("multipart/form-data") ? Multipart(f, Boundary, closed: true)
        : f.Accepts("application/json") ? Encoding.UTF8.GetBytes(Base(f).ToJsonString())
        : [];

    private JsonObject Base(Function f)
    {
        if (f.Example?.DeepClone() is JsonObject example) return example;
        var value = new JsonObject();
        foreach (var property in f.Properties) value[property] = Text(property);
        return value;
    }

    private byte[] Json(Function f, string property, JsonNode? value)
    {
        var body = Base(f);
        body[property] = value;
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>The base object with one property's value replaced by raw bytes, which need not be valid JSON.</summary>
    private byte[] RawJson(Function f, string property, byte[] raw)
    {
        var body = Base(f);
        body[property] = "\u0001PLACEHOLDER\u0001";
        var text = Encoding.UTF8.GetBytes(body.ToJsonString());
        var marker = Encoding.UTF8.GetBytes("\"\\u0001PLACEHOLDER\\u0001\"");
        var at = text.AsSpan().IndexOf(marker);
        return [.. text[..at], .. raw, .. text[(at + marker.Length)..]];
    }

    private byte[] RawJson(Function f, string property, string raw) => RawJson(f, property, Encoding.UTF8.GetBytes(raw));

    private byte[] Duplicate(Function f)
    {
        var property = Property(f);
        var json = Base(f).ToJsonString();
        return Encoding.UTF8.GetBytes(json.Insert(1, $"\"{property}\":{WrongType()?.ToJsonString() ?? "null"},"));
    }

    private byte[] Without(Function f)
    {
        var body = Base(f);
        if (f.Properties.Count > 0) body.Remove(Property(f));
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private JsonNode? WrongType() => _random.Next(12) switch
    {
        0 => JsonValue.Create(0),
        1 => JsonValue.Create(-1),
        2 => JsonValue.Create(double.MaxValue),
        3 => JsonValue.Create(long.MaxValue),
        4 => JsonValue.Create(true),
        5 => new JsonArray(),
        6 => new JsonObject { ["a"] = new JsonArray(1, "b") },
        7 => JsonValue.Create(string.Empty),
        8 => JsonValue.Create(" "),
        9 => JsonValue.Create(new string('x', _random.Next(5000, 100_000))),
        10 => null,
        _ => JsonValue.Create("\u0000\u200B\uFFFD"),
    };

    private byte[] Multipart(Function f, string boundary, bool closed, byte[]? file = null, string? text = null, string? fileName = null)
    {
        var parts = FileParts(f, file, fileName).Concat(f.TextFields.Select(p => ($"Content-Disposition: form-data; name=\"{p}\"", Encoding.UTF8.GetBytes(text ?? Text(p)))));
        return Parts(parts, boundary, closed);
    }

    private IEnumerable<(string Headers, byte[] Body)> FileParts(Function f, byte[]? file = null, string? fileName = null) =>
        f.FileFields.Select(p => ($"Content-Disposition: form-data; name=\"{p}\"; filename=\"{fileName ?? "upload.bin"}\"\r\nContent-Type: application/octet-stream", file ?? Encoding.Latin1.GetBytes(Pick(FileHeads) + "junk")));

    private byte[] Parts(IEnumerable<(string Headers, byte[] Body)> parts, string boundary = Boundary, bool closed = true)
    {
        var output = new MemoryStream();
        foreach (var (headers, body) in parts)
        {
            output.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\n{headers}\r\n\r\n"));
            output.Write(body);
            output.Write("\r\n"u8);
        }

        if (closed) output.Write(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"));
        return output.ToArray();
    }

    private static string MultipartType(string boundary = Boundary) => $"multipart/form-data; boundary={boundary}";

    /// <summary>The content type a well-formed request to the function carries (with the boundary for multipart).</summary>
    private static string? ContentTypeOf(Function f) => f.Accepts("multipart/form-data") ? MultipartType() : f.ContentType;

    private string Text(string property) => property == "model" && _models.Count > 0 ? _models[_random.Next(_models.Count)] : "x";

    private string Property(Function f) => f.Properties.Count == 0 ? "x" : f.Properties[_random.Next(f.Properties.Count)];

    private byte[] Truncate(byte[] data) => data.Length < 2 ? data : data[.._random.Next(1, data.Length)];

    private byte[] Flip(byte[] data)
    {
        var copy = data.ToArray();
        if (copy.Length > 0) copy[_random.Next(copy.Length)] = (byte)_random.Next(256);
        return copy;
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string Nested(int depth) => _random.Next(2) == 0 ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];

    /// <summary>What the generator needs of a function descriptor.</summary>
    private sealed record Function(string Name, string Method, string Path, IReadOnlyList<string> ContentTypes, IReadOnlyList<string> Properties, IReadOnlyList<string> FileFields, JsonObject? Example)
    {
        public IEnumerable<string> TextFields => Properties.Except(FileFields);

        public string? ContentType => ContentTypes.Count > 0 ? ContentTypes[0] : null;

        public bool Accepts(string contentType) => ContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase);

        public static Function From(JsonNode f)
        {
            var properties = f["inputSchema"]?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
            var widgets = f["ui"]?["fields"]?.AsObject();
            var files = properties.Where(p => widgets?[p]?["widget"]?.GetValue<string>() is "image" or "audio" or "file").ToList();
            // Path templates ({id}) get a value a client might send.
            var path = Regex.Replace(f["path"]!.GetValue<string>(), "{[^}]+}", "x%2F..");
            return new Function(
                f["name"]!.GetValue<string>(),
                f["method"]!.GetValue<string>().ToUpper(CultureInfo.InvariantCulture),
                path,
                f["requestContentTypes"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [],
                properties,
                files,
                f["examples"]?.AsArray().FirstOrDefault()?["input"] as JsonObject);
        }
    }
}
