using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Fuzz;

/// <summary>
/// A transcription whose multipart body breaks the reader's own limits (more than 16 KiB before the first boundary,
/// a part header over 16 KiB) is the client's 400 in OpenAI's envelope: the reader reports both as
/// <see cref="InvalidDataException"/>, which is no <see cref="IOException"/>, and it was a 500.
/// </summary>
public sealed class MultipartFindingTests
{
    [Theory]
    [InlineData("data-before-first-boundary")]
    [InlineData("part-header-over-16k")]
    public async Task Transcription_MultipartBeyondTheReadersLimits_Returns400InTheEnvelope(string kind)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("whisper-1", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        const string Part = "--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--b--\r\n";
        var body = kind == "data-before-first-boundary"
            ? string.Concat(Enumerable.Repeat("preamble\r\n", 2000)) + Part
            : $"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nX-Long: {new string('a', 17_000)}\r\n\r\nabc\r\n" + Part[2..];
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        using var response = await client.PostAsync("v1/audio/transcriptions", content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("invalid_multipart");
        upstream.Requests.ShouldBe(0);
    }
}
