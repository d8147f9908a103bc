using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Nexus.Services.Inference.Tests.Forwarding;

/// <summary>A <c>model</c> that is not text (invalid UTF-8, a lone surrogate) is the client's error on every JSON route.</summary>
public sealed class InvalidTextTests
{
    public static TheoryData<string, string> OpenAIRoutes()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { "v1/chat/completions", "v1/completions", "v1/embeddings" })
        {
            data.Add(path, "invalid UTF-8");
            data.Add(path, "lone surrogate");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OpenAIRoutes))]
    public async Task Forward_ModelIsNotText_Answers400InTheOpenAIEnvelope(string path, string kind)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        using var response = await service.Http.PostAsync(path, Body(kind));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["message"]!.GetValue<string>().ShouldContain("'model'");
        error["type"]!.GetValue<string>().ShouldBe("invalid_request_error");
        error["param"]!.GetValue<string>().ShouldBe("model");
        upstream.LastBody.ShouldBeNull();
    }

    [Theory]
    [InlineData("invalid UTF-8")]
    [InlineData("lone surrogate")]
    public async Task Pull_ModelIsNotText_Answers400Problem(string kind)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        using var response = await service.Http.PostAsync("v1/models/pull", Body(kind));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        upstream.LastPullBody.ShouldBeNull();
    }

    /// <summary><c>{"model":"\xff"}</c> as raw bytes, or <c>{"model":"\ud800"}</c> as JSON's escape.</summary>
    private static ByteArrayContent Body(string kind)
    {
        byte[] bytes = kind == "invalid UTF-8" ? [.. "{\"model\":\""u8, 0xFF, .. "\"}"u8] : Encoding.UTF8.GetBytes("""{"model":"\ud800"}""");
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
