using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Deploy.Tests;

/// <summary>What the tests do through a gateway in a container: wait for the registry, make a tenant key, ask for speech.</summary>
internal sealed class GatewayClient(string baseUrl, string adminKey) : IDisposable
{
    private readonly HttpClient _admin = Client(baseUrl, adminKey, TimeSpan.FromSeconds(30));
    private HttpClient? _tenant;

    /// <summary>The registry's instances of <paramref name="service"/> (every state), empty while the gateway starts.</summary>
    public async Task<JsonArray> InstancesAsync(string service)
    {
        try
        {
            var body = await _admin.GetFromJsonAsync<JsonObject>("v1/registry/instances");
            return new JsonArray([.. body!["instances"]!.AsArray()
                .Where(i => i!["service"]!.GetValue<string>() == service)
                .Select(i => JsonNode.Parse(i!.ToJsonString()))]);
        }
        catch (HttpRequestException)
        {
            return []; // the gateway is still starting
        }
    }

    public Task WaitUntilReadyAsync(string service, TimeSpan timeout) =>
        Eventually.WaitAsync(() => InstancesAsync(service), instances => instances.Any(i => State(i) == "ready"),
            $"the {service} container to be ready in the gateway's registry", timeout);

    public static string State(JsonNode? instance) => instance!["state"]!.GetValue<string>();

    public async Task<JsonNode> AdminGetAsync(string path) => (await _admin.GetFromJsonAsync<JsonNode>(path))!;

    /// <summary>A tenant and a key of it, used by <see cref="SpeakAsync"/>.</summary>
    public async Task CreateTenantKeyAsync()
    {
        var tenant = await (await _admin.PostAsJsonAsync("admin/tenants", new { name = "containers" })).Content.ReadFromJsonAsync<JsonObject>();
        var key = await (await _admin.PostAsJsonAsync($"admin/tenants/{tenant!["id"]}/keys", new { name = "deploy-test" })).Content.ReadFromJsonAsync<JsonObject>();
        _tenant = Client(baseUrl, key!["key"]!.GetValue<string>(), TimeSpan.FromSeconds(60));
    }

    /// <summary>OpenAI's text to speech through the gateway, as WAV: the status and the body.</summary>
    public async Task<(int Status, byte[] Body)> SpeakAsync(string text, CancellationToken cancellationToken = default)
    {
        var client = _tenant ?? throw new InvalidOperationException("CreateTenantKeyAsync first.");
        using var response = await client.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = text, voice = "alloy", response_format = "wav" }, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>Asserts a body is a WAV file with some audio in it (espeak-ng's sentence is tens of kilobytes).</summary>
    public static void ShouldBeWav(byte[] audio)
    {
        audio[..4].ShouldBe("RIFF"u8.ToArray());
        audio[8..12].ShouldBe("WAVE"u8.ToArray());
        audio.Length.ShouldBeGreaterThan(10_000);
    }

    public void Dispose()
    {
        _admin.Dispose();
        _tenant?.Dispose();
    }

    private static HttpClient Client(string baseUrl, string key, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }
}
