using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task MalformedJson_OnServiceRoute_Returns400ProblemDetailsThatSayWhy()
    {
        await using var service = await EchoService.StartAsync();

        using var response = await service.Client.PostAsync("v1/echo", new StringContent("{\"text\": ", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["status"]!.GetValue<int>().ShouldBe(400);
        problem["detail"]!.GetValue<string>().ShouldContain("EchoRequest");
        problem["requestId"].ShouldNotBeNull();
    }

    [Fact]
    public async Task MalformedJson_OnOpenAIRoute_ReturnsOpenAIEnvelope()
    {
        await using var service = await EchoService.StartAsync();

        using var response = await service.Client.PostAsync("v1/openai/echo", new StringContent("[1,2", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Select(p => p.Key).ShouldBe(["error"]);
        var error = body["error"]!.AsObject();
        error["type"]!.GetValue<string>().ShouldBe("invalid_request_error");
        error["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        error.ContainsKey("param").ShouldBeTrue();
        error.ContainsKey("code").ShouldBeTrue();
    }

    [Fact]
    public async Task BodyOverLimit_Returns413ProblemDetails()
    {
        await using var service = await EchoService.StartAsync(new Dictionary<string, string?> { ["Nexus:MaxRequestBodyBytes"] = "1024" });
        var big = "{\"text\":\"" + new string('x', 4096) + "\"}";

        using var response = await service.Client.PostAsync("v1/echo", new StringContent(big, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["detail"]!.GetValue<string>().ShouldContain("1024");
    }

    [Fact]
    public async Task BodyOverLimit_OnOpenAIRoute_Returns413Envelope()
    {
        await using var service = await EchoService.StartAsync(new Dictionary<string, string?> { ["Nexus:MaxRequestBodyBytes"] = "1024" });
        var big = "{\"text\":\"" + new string('x', 4096) + "\"}";

        using var response = await service.Client.PostAsync("v1/openai/echo", new StringContent(big, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>().ShouldBe("invalid_request_error");
    }

    [Fact]
    public async Task UnknownPath_Returns404ProblemDetails()
    {
        await using var service = await EchoService.StartAsync();

        using var response = await service.Client.GetAsync("v1/nothing-here");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task ValidRequest_StillWorks()
    {
        await using var service = await EchoService.StartAsync();

        using var response = await service.Client.PostAsync("v1/echo", new StringContent("{\"text\":\"ab\",\"repeat\":3}", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>().ShouldBe("ababab");
    }
}
