using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Usage;

/// <summary>An upstream that compresses its answers, as api.openai.com does for <c>Accept-Encoding: gzip</c>, is billed exactly.</summary>
public sealed class CompressedUsageTests
{
    private const string Usage = """{"prompt_tokens":37,"completion_tokens":23,"total_tokens":60}""";

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Json_UpstreamCompresses_UsageReadAndClientGetsItsCoding(string coding)
    {
        await using var upstream = await CompressingUpstream();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Models:llama:0:Url"] = upstream.BaseAddress.ToString() });
        var (tenantId, _, key) = await gateway.CreateKeyAsync();
        using var client = Client(gateway, key, coding);

        using var response = await client.PostAsync("v1/chat/completions", Chat(stream: false));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.ShouldBe([coding]);
        var answer = JsonNode.Parse(await DecodeAsync(response, coding))!;
        answer["usage"]!["completion_tokens"]!.GetValue<int>().ShouldBe(23);
        await ShouldBeBilledAsync(gateway, tenantId);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Stream_UpstreamCompresses_UsageReadAndStrippedAndClientGetsItsCoding(string coding)
    {
        await using var upstream = await CompressingUpstream();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Models:llama:0:Url"] = upstream.BaseAddress.ToString() });
        var (tenantId, _, key) = await gateway.CreateKeyAsync();
        using var client = Client(gateway, key, coding);

        using var response = await client.PostAsync("v1/chat/completions", Chat(stream: true));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.ShouldBe([coding]);
        var events = await DecodeAsync(response, coding);
        events.ShouldContain("\"content\":\"Hello\"");
        events.ShouldEndWith("data: [DONE]\n\n");
        events.ShouldNotContain("usage"); // the client did not ask for it: the gateway did, and took it out again
        await ShouldBeBilledAsync(gateway, tenantId);
    }

    private static async Task ShouldBeBilledAsync(GatewayHost gateway, string tenantId)
    {
        var record = (await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 1)).Single()!;
        record["promptTokens"]!.GetValue<long>().ShouldBe(37);
        record["completionTokens"]!.GetValue<long>().ShouldBe(23);
    }

    private static HttpClient Client(GatewayHost gateway, string key, string coding)
    {
        var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd(coding);
        return client;
    }

    private static StringContent Chat(bool stream) =>
        new($$"""{"model":"llama","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json");

    private static async Task<string> DecodeAsync(HttpResponseMessage response, string coding)
    {
        await using var coded = await response.Content.ReadAsStreamAsync();
        await using Stream decoder = coding switch
        {
            "gzip" => new GZipStream(coded, CompressionMode.Decompress),
            "br" => new BrotliStream(coded, CompressionMode.Decompress),
            _ => new ZLibStream(coded, CompressionMode.Decompress),
        };
        using var reader = new StreamReader(decoder, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Answers chat in the coding the request accepts, JSON or SSE (flushed event by event, usage when asked for).</summary>
    private static Task<ScriptedUpstream> CompressingUpstream() => ScriptedUpstream.StartAsync(async context =>
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        var coding = context.Request.Headers.AcceptEncoding.ToString();
        context.Response.Headers.ContentEncoding = coding;
        await using Stream encoder = coding switch
        {
            "gzip" => new GZipStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true),
            _ => new ZLibStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true),
        };
        if (body["stream"]?.GetValue<bool>() != true)
        {
            context.Response.ContentType = "application/json";
            await encoder.WriteAsync(Encoding.UTF8.GetBytes($$"""{"id":"c1","object":"chat.completion","created":1,"model":"llama","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{{Usage}}}"""));
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var events = new List<string>
        {
            """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"llama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}""",
            """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"llama","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
        };
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            events.Add($$"""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"llama","choices":[],"usage":{{Usage}}}""");
        }

        events.Add("[DONE]");
        foreach (var data in events)
        {
            await encoder.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"));
            await encoder.FlushAsync();
            await context.Response.Body.FlushAsync();
        }
    });
}
