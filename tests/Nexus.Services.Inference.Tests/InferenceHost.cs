using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Testing;
using OpenAI;

namespace Nexus.Services.Inference.Tests;

/// <summary>One configured upstream of the service under test.</summary>
internal sealed record TestUpstream(string Name, string Url, string Kind);

/// <summary>The inference service on real Kestrel on a random port, configured with the given upstreams.</summary>
internal sealed class InferenceHost : IAsyncDisposable
{
    private InferenceHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    public OpenAIClient OpenAI() =>
        new(new ApiKeyCredential("unused-by-the-service"), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    /// <summary>A JSON body as clients send it.</summary>
    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public Task<HttpResponseMessage> PostJsonAsync(string path, string body) => Http.PostAsync(path, Json(body));

    /// <summary>The ids <c>/v1/models</c> lists.</summary>
    public async Task<List<string>> ModelIdsAsync() =>
        JsonNode.Parse(await Http.GetStringAsync("v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();

    public static Task<InferenceHost> StartAsync(string? upstreamUrl, string kind = "openai", TimeSpan? upstreamTimeout = null, bool localEmbeddings = false) =>
        StartAsync(upstreamUrl is null ? [] : [new TestUpstream("local", upstreamUrl, kind)], upstreamTimeout, localEmbeddings);

    /// <summary>
    /// The service with <paramref name="upstreams"/>; the local embedding model is off unless asked for, so tests of
    /// forwarding neither load it nor see it in the catalog.
    /// </summary>
    public static async Task<InferenceHost> StartAsync(IReadOnlyList<TestUpstream> upstreams, TimeSpan? upstreamTimeout = null, bool localEmbeddings = false)
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Services.Inference");
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?> { ["Nexus:Name"] = "inference", ["Nexus:Kind"] = "inference" };
        for (var i = 0; i < upstreams.Count; i++)
        {
            settings[$"Inference:Upstreams:{i}:Name"] = upstreams[i].Name;
            settings[$"Inference:Upstreams:{i}:Url"] = upstreams[i].Url;
            settings[$"Inference:Upstreams:{i}:ApiKey"] = "upstream-key";
            settings[$"Inference:Upstreams:{i}:Kind"] = upstreams[i].Kind;
            settings[$"Inference:Upstreams:{i}:Labels:tier"] = "local";
        }

        settings["Inference:LocalEmbeddings:Enabled"] = localEmbeddings ? "true" : "false";
        if (upstreamTimeout is { } timeout) settings["Inference:UpstreamTimeout"] = timeout.ToString("c");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddInferenceService();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapInferenceApi();
        return new InferenceHost(app, await TestWebHost.StartAsync(app));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await TestWebHost.StopAsync(App);
    }
}
