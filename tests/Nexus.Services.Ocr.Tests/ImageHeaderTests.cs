using System.Buffers.Binary;
using System.Net;
using System.Text.Json.Nodes;

namespace Nexus.Services.Ocr.Tests;

public sealed class ImageHeaderTests
{
    /// <summary>Fixtures: a 40x24 white image written by ffmpeg in each format tesseract reads.</summary>
    [Theory]
    [InlineData("40x24.png", "png")]
    [InlineData("40x24.jpg", "jpeg")]
    [InlineData("40x24.gif", "gif")]
    [InlineData("40x24.bmp", "bmp")]
    [InlineData("40x24.tiff", "tiff")]
    [InlineData("40x24-lossy.webp", "webp")]
    [InlineData("40x24-lossless.webp", "webp")]
    public void Read_EachFormat_GivesItsSize(string file, string format)
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Fixtures", "headers", file));

        var header = ImageHeader.Read(stream);

        header.ShouldBe(new ImageHeader(format, 40, 24));
    }

    [Fact]
    public void Read_NotAnImage_IsNull()
    {
        using var stream = new MemoryStream("%PDF-1.7 not an image"u8.ToArray());

        ImageHeader.Read(stream).ShouldBeNull();
    }

    [Fact]
    public async Task Ocr_ImageDeclaringTooManyPixels_Is400BeforeTesseractRuns()
    {
        // A PNG header that declares 15000x15000 (225 megapixels): tesseract would spend seconds and gigabytes on it.
        var png = (byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 15_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 15_000);
        await using var service = await OcrHost.StartAsync(new Dictionary<string, string?> { ["Ocr:Tesseract"] = "/nonexistent/tesseract" });

        using var response = await service.Http.PostAsync("v1/ocr", new MultipartFormDataContent { { new ByteArrayContent(png), "file", "bomb.png" } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().ShouldContain("15000x15000 png (225 megapixels)");
    }
}
