using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>Every error the gateway writes under <c>/v1/</c>, its own or the framework's, is OpenAI's envelope.</summary>
public sealed class OpenAIErrorFormatTests
{
    private static async Task<JsonObject> EnvelopeOf(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        var body = await response.Content.ReadAsStringAsync();
        var error = JsonNode.Parse(body)!["error"]!.AsObject();
        error["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        error["type"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        return error;
    }

    [Theory]
    [InlineData("GET", "v1/nope")]
    [InlineData("POST", "v1/chat/complete")]
    [InlineData("GET", "v1")]
    public async Task UnknownPath_UnderV1_Is404Envelope(string method, string path)
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await EnvelopeOf(response))["code"]!.GetValue<string>().ShouldBe("unknown_url");
    }

    [Fact]
    public async Task WrongMethod_OnAnOpenAIRoute_Is405Envelope()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.GetAsync("v1/chat/completions");

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        var error = await EnvelopeOf(response);
        error["code"]!.GetValue<string>().ShouldBe("method_not_allowed");
        error["message"]!.GetValue<string>().ShouldContain("POST");
    }

    [Fact]
    public async Task UpstreamProblemDetails_OnAnOpenAIRoute_ReachTheClientAsAnEnvelope()
    {
        await using var speech = await ProblemService.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Gateway:Routes:Models:whisper:0:Url"] = speech.BaseAddress.ToString(),
            ["Nexus:Gateway:Routes:Services:speech:0:Url"] = speech.BaseAddress.ToString(),
        });
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        using var form = new MultipartFormDataContent { { new StringContent("whisper"), "model" }, { new ByteArrayContent([1, 2, 3]), "file", "a.wav" } };

        using var openAI = await client.PostAsync("v1/audio/transcriptions", form);
        using var own = await client.PostAsync("v1/services/speech/v1/transcode", new StringContent("x"));

        openAI.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        var error = await EnvelopeOf(openAI);
        error["message"]!.GetValue<string>().ShouldBe("Expected audio in a form field named 'file'.");
        error["type"]!.GetValue<string>().ShouldBe("invalid_request_error");
        // A service's own functions keep the service's own format.
        own.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        own.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task RequestUrlTooLong_Is414Envelope()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.GetAsync("v1/models?q=" + new string('a', 10_000));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestUriTooLong);
        (await EnvelopeOf(response))["code"]!.GetValue<string>().ShouldBe("uri_too_long");
    }

    [Fact]
    public async Task RequestHeadersTooLarge_Is431Envelope()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        using var large = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        large.Headers.TryAddWithoutValidation("X-Large", new string('a', 40_000));
        using var many = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        for (var i = 0; i < 150; i++) many.Headers.TryAddWithoutValidation($"X-Header-{i}", "x");

        using var largeResponse = await client.SendAsync(large);
        using var manyResponse = await client.SendAsync(many);

        largeResponse.StatusCode.ShouldBe(HttpStatusCode.RequestHeaderFieldsTooLarge);
        (await EnvelopeOf(largeResponse))["code"]!.GetValue<string>().ShouldBe("headers_too_large");
        manyResponse.StatusCode.ShouldBe(HttpStatusCode.RequestHeaderFieldsTooLarge);
        (await EnvelopeOf(manyResponse))["code"]!.GetValue<string>().ShouldBe("headers_too_large");
    }

    [Fact]
    public async Task RequestHeadersTooLarge_OutsideV1_IsProblemDetails()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var large = new HttpRequestMessage(HttpMethod.Get, "admin/tenants");
        large.Headers.TryAddWithoutValidation("X-Large", new string('a', 40_000));

        using var response = await gateway.Admin.SendAsync(large);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestHeaderFieldsTooLarge);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    /// <summary>A service that answers everything with 415 in problem details, as ASP.NET Core services do.</summary>
    private sealed class ProblemService : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ProblemService(WebApplication app) => _app = app;

        public Uri BaseAddress => TestWebHost.BaseAddress(_app);

        public static async Task<ProblemService> StartAsync()
        {
            var builder = TestWebHost.CreateBuilder(slim: true);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.Run(context =>
            {
                context.Response.StatusCode = 415;
                context.Response.ContentType = "application/problem+json";
                return context.Response.WriteAsync("""{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.16","title":"Unsupported Media Type","status":415,"detail":"Expected audio in a form field named 'file'."}""", Encoding.UTF8);
            });
            await TestWebHost.StartAsync(app);
            return new ProblemService(app);
        }

        public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);
    }
}
