using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>Speaks Automatic1111's API: <c>/sdapi/v1/sd-models</c> and <c>/sdapi/v1/txt2img</c> answering a base64 PNG.</summary>
internal sealed class FakeAutomatic1111 : IAsyncDisposable
{
    public const int Size = 96;

    // A real PNG the browser decodes: a colour gradient.
    private static readonly string Png = Convert.ToBase64String(Gradient());
    private readonly WebApplication _app;
    private int _generations;

    private FakeAutomatic1111(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>How many txt2img requests reached the engine.</summary>
    public int Generations => Volatile.Read(ref _generations);

    public static async Task<FakeAutomatic1111> StartAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeAutomatic1111? self = null;
        app.MapGet("/sdapi/v1/sd-models", () => Results.Json(new[] { new { title = "sdxl_base.safetensors [31e35c80fc]", model_name = "sdxl_base", hash = "31e35c80fc" } }));
        app.MapPost("/sdapi/v1/txt2img", () =>
        {
            Interlocked.Increment(ref self!._generations);
            return Results.Json(new { images = new[] { Png }, parameters = new { }, info = "{}" });
        });
        self = new FakeAutomatic1111(app, (await TestWebHost.StartAsync(app)).ToString().TrimEnd('/'));
        return self;
    }

    public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);

    private static byte[] Gradient()
    {
        var rows = new MemoryStream();
        for (var y = 0; y < Size; y++)
        {
            rows.WriteByte(0);
            for (var x = 0; x < Size; x++) rows.Write([(byte)(255 * x / (Size - 1)), (byte)(255 * y / (Size - 1)), 160]);
        }

        var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) rows.WriteTo(zlib);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, Size);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Size);
        header[8] = 8;
        header[9] = 2;
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(MemoryStream png, string type, byte[] data)
    {
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        png.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(typed));
        png.Write(crc);
    }
}
