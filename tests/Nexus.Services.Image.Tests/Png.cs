using System.Buffers.Binary;
using System.IO.Compression;

namespace Nexus.Services.Image.Tests;

/// <summary>Reads back what the tests need to know about a PNG.</summary>
internal static class Png
{
    public static (int Width, int Height) Dimensions(byte[] png)
    {
        png[..8].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        System.Text.Encoding.ASCII.GetString(png, 12, 4).ShouldBe("IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>Inflates the IDAT chunk, proving the image data is complete and well formed.</summary>
    public static int DecodedPixelBytes(byte[] png)
    {
        var offset = 8;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "IDAT")
            {
                using var zlib = new ZLibStream(new MemoryStream(png, offset + 8, length), CompressionMode.Decompress);
                using var pixels = new MemoryStream();
                zlib.CopyTo(pixels);
                return (int)pixels.Length;
            }

            offset += 12 + length;
        }

        return 0;
    }
}
