using System.Buffers.Binary;

namespace Nexus.Services.Ocr;

/// <summary>An upload's format and, where its header says, its size in pixels.</summary>
internal sealed record ImageHeader(string Format, long? Width, long? Height)
{
    public long? Pixels => Width * Height;

    /// <summary>
    /// The header of a PNG, JPEG, TIFF, BMP, GIF or WebP file, or <c>null</c> for anything else. The size matters
    /// because tesseract decodes the whole image into memory: a 250 KB PNG that declares 15000x15000 pixels took
    /// 15 s and 850 MB here, so a few such uploads would starve every other client of the service.
    /// </summary>
    public static ImageHeader? Read(Stream stream)
    {
        var head = new byte[32];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var span = head.AsSpan(0, length);
        if (span.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]))
        {
            // The size is in the IHDR chunk, which must come first; without it the file is tesseract's to refuse.
            return length >= 24 && span[12..16].SequenceEqual("IHDR"u8)
                ? new("png", BinaryPrimitives.ReadUInt32BigEndian(span[16..]), BinaryPrimitives.ReadUInt32BigEndian(span[20..]))
                : new("png", null, null);
        }

        if (span.StartsWith("GIF8"u8)) return length >= 10 ? new("gif", BinaryPrimitives.ReadUInt16LittleEndian(span[6..]), BinaryPrimitives.ReadUInt16LittleEndian(span[8..])) : new("gif", null, null);
        if (span.StartsWith("BM"u8))
        {
            return length >= 26 ? new("bmp", Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(span[18..])), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(span[22..]))) : new("bmp", null, null);
        }

        if (length >= 12 && span.StartsWith("RIFF"u8) && span[8..12].SequenceEqual("WEBP"u8)) return WebP(span);
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            stream.Position = 2;
            return Jpeg(stream);
        }

        if (span.StartsWith("II*\0"u8) || span.StartsWith("MM\0*"u8))
        {
            stream.Position = 0;
            return Tiff(stream, littleEndian: span[0] == (byte)'I');
        }

        return null;
    }

    private static ImageHeader WebP(ReadOnlySpan<byte> head)
    {
        if (head.Length < 30) return new("webp", null, null);
        var chunk = head[12..16];
        if (chunk.SequenceEqual("VP8 "u8)) return new("webp", BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF);
        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
            return new("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8)) return new("webp", (head[24] | head[25] << 8 | head[26] << 16) + 1L, (head[27] | head[28] << 8 | head[29] << 16) + 1L);
        return new("webp", null, null);
    }

    /// <summary>Walks the segments to the first start-of-frame marker, which holds the size.</summary>
    private static ImageHeader Jpeg(Stream stream)
    {
        Span<byte> segment = stackalloc byte[9];
        for (var segments = 0; segments < 256; segments++)
        {
            if (stream.ReadAtLeast(segment[..4], 4, throwOnEndOfStream: false) < 4 || segment[0] != 0xFF) break;
            var marker = segment[1];
            var size = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (stream.ReadAtLeast(segment[..5], 5, throwOnEndOfStream: false) < 5) break;
                return new("jpeg", BinaryPrimitives.ReadUInt16BigEndian(segment[3..]), BinaryPrimitives.ReadUInt16BigEndian(segment[1..]));
            }

            if (size < 2) break;
            stream.Seek(size - 2, SeekOrigin.Current);
        }

        return new("jpeg", null, null);
    }

    /// <summary>The first image's ImageWidth (256) and ImageLength (257) tags.</summary>
    private static ImageHeader Tiff(Stream stream, bool littleEndian)
    {
        Span<byte> buffer = stackalloc byte[12];
        uint U32(ReadOnlySpan<byte> b) => littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
        ushort U16(ReadOnlySpan<byte> b) => littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

        if (stream.ReadAtLeast(buffer[..8], 8, throwOnEndOfStream: false) < 8) return new("tiff", null, null);
        var offset = U32(buffer[4..]);
        if (offset >= stream.Length) return new("tiff", null, null);
        stream.Position = offset;
        if (stream.ReadAtLeast(buffer[..2], 2, throwOnEndOfStream: false) < 2) return new("tiff", null, null);
        long? width = null, height = null;
        for (var entries = U16(buffer); entries > 0 && stream.ReadAtLeast(buffer, 12, throwOnEndOfStream: false) == 12; entries--)
        {
            var tag = U16(buffer);
            // SHORT (3) values sit in the first two bytes of the value field, LONG (4) in all four.
            long value = U16(buffer[2..]) == 3 ? U16(buffer[8..]) : U32(buffer[8..]);
            if (tag == 256) width = value;
            else if (tag == 257) height = value;
        }

        return new("tiff", width, height);
    }
}
