using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>Documents uploaded as files: PDF through the real pdftotext, HTML and Markdown, and the refusals.</summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class UploadTests(EmbeddingModel model)
{
    private const string Lighthouses = "Lighthouses guide ships along dangerous coasts. Their lamps, focused by Fresnel lenses, can be seen for more than twenty nautical miles, and each light flashes in its own pattern so sailors can tell which one they see.";
    private const string Glaciers = "Glaciers are rivers of ice that flow slowly downhill under their own weight. As they move they grind the rock beneath them and carve deep U-shaped valleys and fjords.";

    [SkippableFact]
    public async Task Upload_Pdf_IsReadWithPdftotextAndCitedWithItsPage()
    {
        TestPrograms.Require("pdftotext");
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        var ingested = await UploadAsync(knowledge, "atlas", TestPdf.Create(Lighthouses, Glaciers), "atlas.pdf", "application/pdf");

        ingested.StatusCode.ShouldBe(HttpStatusCode.OK, await ingested.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await ingested.Content.ReadAsStringAsync())!;
        body["format"]!.GetValue<string>().ShouldBe("pdf");
        body["documentId"]!.GetValue<string>().ShouldBe("atlas.pdf");
        var results = await knowledge.QueryAsync("atlas", "How do glaciers shape valleys?", topK: 1);
        results[0]!["text"]!.GetValue<string>().ShouldContain("U-shaped valleys");
        results[0]!["citation"]!["page"]!.GetValue<int>().ShouldBe(2);
        results[0]!["citation"]!["source"]!.GetValue<string>().ShouldBe("atlas.pdf");
    }

    [Fact]
    public async Task Upload_PdfWithoutPdftotext_Is415ProblemDetailsSayingSo()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress, new Dictionary<string, string?> { ["Knowledge:PdfToText"] = "/nonexistent/pdftotext" });

        using var response = await UploadAsync(knowledge, "atlas", TestPdf.Create(Lighthouses), "atlas.pdf", "application/pdf");

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("poppler-utils");
    }

    [SkippableFact]
    public async Task Upload_BytesThatAreNotAPdf_Is400()
    {
        TestPrograms.Require("pdftotext");
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        using var response = await UploadAsync(knowledge, "atlas", "%PDF-1.4 but nothing else"u8.ToArray(), "broken.pdf", "application/pdf");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("pdftotext cannot read");
    }

    [Fact]
    public async Task Upload_HtmlAndMarkdownByExtension_AreReadAsText()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        using var html = await UploadAsync(knowledge, "mixed", Encoding.UTF8.GetBytes($"<html><body><p>{Lighthouses}</p><script>var secret = 1;</script></body></html>"), "lights.html", "application/octet-stream");
        using var markdown = await UploadAsync(knowledge, "mixed", Encoding.UTF8.GetBytes($"# Ice\n\n**{Glaciers}**"), "ice.md", "application/octet-stream");

        html.StatusCode.ShouldBe(HttpStatusCode.OK);
        markdown.StatusCode.ShouldBe(HttpStatusCode.OK);
        var lights = await knowledge.QueryAsync("mixed", "What do lighthouses do?", topK: 1);
        lights[0]!["text"]!.GetValue<string>().ShouldBe(Lighthouses);
        var ice = await knowledge.QueryAsync("mixed", "glacier ice flowing downhill", topK: 1);
        ice[0]!["text"]!.GetValue<string>().ShouldBe("Ice\n\n" + Glaciers);
    }

    [Fact]
    public async Task Upload_UnknownFormatOrNotUtf8_IsRefusedWithTheReason()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        using var unknown = await UploadAsync(knowledge, "mixed", [0x50, 0x4B, 0x03, 0x04, 0x00], "report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        using var latin1 = await UploadAsync(knowledge, "mixed", [0x63, 0x61, 0x66, 0xE9], "cafe.txt", "text/plain");

        unknown.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        latin1.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await latin1.Content.ReadAsStringAsync()).ShouldContain("UTF-8");
    }

    private static async Task<HttpResponseMessage> UploadAsync(KnowledgeHost knowledge, string collection, byte[] bytes, string fileName, string contentType)
    {
        using var form = new MultipartFormDataContent { { new StringContent(collection), "collection" } };
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return await knowledge.Http.PostAsync("v1/knowledge/documents/upload", form);
    }
}
