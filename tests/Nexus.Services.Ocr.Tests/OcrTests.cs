using System.Net;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Ocr.Tests;

public sealed class OcrTests
{
    private static readonly byte[] TwoLines = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "two-lines.png"));

    [SkippableFact]
    public async Task Ocr_RenderedText_ComesBackWithLinesWordBoxesAndConfidence()
    {
        RequireTesseract();
        await using var service = await OcrHost.StartAsync();

        using var response = await service.Http.PostAsync("v1/ocr", Form(TwoLines, "two-lines.png"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        result["text"]!.GetValue<string>().ShouldBe("Nexus reads this text\nSecond line 42");
        var lines = result["lines"]!.AsArray();
        lines.Count.ShouldBe(2);
        var first = lines[0]!["words"]![0]!;
        first["text"]!.GetValue<string>().ShouldBe("Nexus");
        first["confidence"]!.GetValue<double>().ShouldBeGreaterThan(80);
        first["box"]!["x"]!.GetValue<int>().ShouldBeInRange(15, 35);
        lines[1]!["box"]!["y"]!.GetValue<int>().ShouldBeGreaterThan(lines[0]!["box"]!["y"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task Languages_ComeFromTesseract()
    {
        RequireTesseract();
        await using var service = await OcrHost.StartAsync();

        var languages = JsonNode.Parse(await service.Http.GetStringAsync("v1/ocr/languages"))!.AsArray().Select(l => l!.GetValue<string>());
        var models = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());

        languages.ShouldContain("eng");
        models.ShouldContain("tesseract-eng");
    }

    [Theory]
    [InlineData("not an image at all", "x.png", "eng", 415)]
    [InlineData(null, "x.png", "eng", 400)]
    [InlineData("png", "x.png", "eng; rm -rf /", 400)]
    [InlineData("png", "x.png", "xxq", 400)]
    public async Task Ocr_BadUpload_GetsProblemDetailsSayingWhy(string? content, string fileName, string language, int status)
    {
        if (status == 400 && language == "xxq") RequireTesseract();
        await using var service = await OcrHost.StartAsync();
        using var form = new MultipartFormDataContent { { new StringContent(language), "language" } };
        if (content is not null) form.Add(new ByteArrayContent(content == "png" ? TwoLines : System.Text.Encoding.UTF8.GetBytes(content)), "file", fileName);

        using var response = await service.Http.PostAsync("v1/ocr", form);

        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
    }

    [SkippableFact]
    public async Task Ocr_CorruptPng_Is400WithTesseractsReason()
    {
        RequireTesseract();
        await using var service = await OcrHost.StartAsync();
        byte[] corrupt = [.. TwoLines[..8], .. "GARBAGE AFTER A VALID SIGNATURE"u8.ToArray()];

        using var response = await service.Http.PostAsync("v1/ocr", Form(corrupt, "corrupt.png"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();
        detail.ShouldContain("could not be read as an image");
        detail.ShouldContain("png");
    }

    [Fact]
    public async Task Ocr_TesseractBroken_Is503NotTheClientsFault()
    {
        // Lists its languages, then fails every run as a tesseract missing a library does.
        var tesseract = Path.Combine(Path.GetTempPath(), $"nexus-broken-tesseract-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tesseract, """
            #!/bin/sh
            if [ "$1" = "--list-langs" ]; then echo 'List of available languages in "/usr/share/tessdata/" (1):'; echo eng; exit 0; fi
            echo "tesseract: error while loading shared libraries: libtesseract.so.5: cannot open shared object file" >&2
            exit 127
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tesseract, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            await using var service = await OcrHost.StartAsync(new Dictionary<string, string?> { ["Ocr:Tesseract"] = tesseract });

            using var response = await service.Http.PostAsync("v1/ocr", Form(TwoLines, "two-lines.png"));

            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().ShouldContain("shared libraries");
        }
        finally
        {
            File.Delete(tesseract);
        }
    }

    [Fact]
    public async Task Ocr_TesseractMissing_IsNotReadyAnd503()
    {
        await using var service = await OcrHost.StartAsync(new Dictionary<string, string?> { ["Ocr:Tesseract"] = "/nonexistent/tesseract" });

        using var health = await service.Http.GetAsync("health");
        using var read = await service.Http.PostAsync("v1/ocr", Form(TwoLines, "two-lines.png"));

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("/nonexistent/tesseract is not installed");
        read.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public void Parse_TesseractTsv_GroupsWordsIntoLines()
    {
        const string tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
            + "4\t1\t1\t1\t1\t0\t24\t30\t425\t30\t-1\t\n"
            + "5\t1\t1\t1\t1\t1\t24\t31\t119\t29\t96.1\tNexus\n"
            + "5\t1\t1\t1\t1\t2\t162\t30\t106\t30\t90.3\treads\n"
            + "4\t1\t1\t1\t2\t0\t23\t95\t287\t30\t-1\t\n"
            + "5\t1\t1\t1\t2\t1\t23\t95\t140\t30\t80\tSecond\n";

        var result = TesseractOutput.Parse(tsv, "eng");

        result.Text.ShouldBe("Nexus reads\nSecond");
        result.Lines[0].Confidence.ShouldBe(93.2);
        result.Lines[0].Box.ShouldBe(new OcrBox(24, 30, 425, 30));
    }

    private static MultipartFormDataContent Form(byte[] image, string fileName) => new() { { new ByteArrayContent(image), "file", fileName } };

    private static void RequireTesseract() => TestPrograms.Require("tesseract");
}
