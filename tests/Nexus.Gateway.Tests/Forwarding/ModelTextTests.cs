using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>A <c>model</c> that is not text (invalid UTF-8, a lone surrogate escape) is the client's 400 on every JSON
/// route, in OpenAI's envelope; the JSON reader accepts both inside a string and only decoding them threw (a 500).</summary>
public sealed class ModelTextTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in new[] { "v1/chat/completions", "v1/completions", "v1/embeddings", "v1/images/generations", "v1/audio/speech" })
        {
            data.Add(route, "invalid-utf8");
            data.Add(route, "lone-surrogate");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Post_ModelNotText_Returns400InTheEnvelope(string route, string kind)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        byte[] body = kind == "invalid-utf8"
            ? [.. "{\"model\":\""u8, 0xff, .. "\",\"input\":\"x\"}"u8]
            : Encoding.UTF8.GetBytes("{\"model\":\"\\ud800\",\"input\":\"x\"}");
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync(route, content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["param"]!.GetValue<string>().ShouldBe("model");
        error["code"]!.GetValue<string>().ShouldBe("invalid_model");
        upstream.Requests.ShouldBe(0);
    }
}
