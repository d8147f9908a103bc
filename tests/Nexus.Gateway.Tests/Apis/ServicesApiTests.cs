using System.Net;
using System.Text.Json.Nodes;
using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Apis;

/// <summary><c>GET /v1/services</c>: the catalog as one tenant key sees it.</summary>
public sealed class ServicesApiTests
{
    private static RegisteredInstance Instance(string id, string service, InstanceState state, string[] functions, string[]? models = null, string? reason = null, string version = "1.0.0") => new()
    {
        InstanceId = id,
        BaseUrl = new Uri($"http://10.1.2.3:9000/{id}/"),
        State = state,
        StateReason = reason,
        RegisteredAt = DateTimeOffset.UtcNow,
        LeaseExpiresAt = DateTimeOffset.UtcNow.AddMinutes(1),
        Descriptor = new NexusServiceDescriptor
        {
            Name = service,
            Version = version,
            Kind = ServiceKinds.Custom,
            Description = $"The {service} service.",
            InstanceId = id,
            Labels = new Dictionary<string, string> { ["host"] = "box-1" },
            Functions = [.. functions.Select(f => new FunctionDescriptor
            {
                Name = f,
                Method = "POST",
                Path = f switch { "chat" => "/v1/chat/completions", "embed" => "/v1/embeddings", _ => "/v1/" + f },
                InputSchema = new JsonObject { ["type"] = "object" },
            })],
            Models = models?.Select(m => new ModelDescriptor { Id = m }).ToList(),
        },
    };

    private static async Task<(GatewayHost Gateway, TestRegistry Registry)> StartAsync()
    {
        var registry = new TestRegistry();
        registry.Add(Instance("speech-1", "speech", InstanceState.Ready, ["speak", "transcribe"]));
        registry.Add(Instance("speech-2", "speech", InstanceState.Unhealthy, ["speak", "transcribe"], reason: "GET /health answered 503"));
        registry.Add(Instance("ocr-1", "ocr", InstanceState.Unhealthy, ["recognise"], reason: "tesseract is not installed"));
        registry.Add(Instance("inference-1", "inference", InstanceState.Ready, ["chat", "embed"], ["llama3.2", "secret-model"]));
        return (await GatewayHost.StartAsync(registry: registry), registry);
    }

    private static async Task<JsonArray> ListAsync(HttpClient client)
    {
        using var response = await client.GetAsync("v1/services");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsArray();
    }

    [Fact]
    public async Task ListServices_UnrestrictedKey_EveryServiceWithStateFunctionsAndModelsButNoAddresses()
    {
        var (gateway, _) = await StartAsync();
        await using var _ = gateway;
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.GetAsync("v1/services");
        var text = await response.Content.ReadAsStringAsync();
        var services = JsonNode.Parse(text)!["data"]!.AsArray();

        services.Select(s => s!["name"]!.GetValue<string>()).ShouldBe(["inference", "ocr", "speech"]);
        var speech = services[2]!;
        speech["state"]!.GetValue<string>().ShouldBe("ready");
        speech["description"]!.GetValue<string>().ShouldBe("The speech service.");
        speech["functions"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ShouldBe(["speak", "transcribe"]);
        speech["instances"]!.AsArray().Select(i => $"{i!["instanceId"]}={i["state"]}").ShouldBe(["speech-1=ready", "speech-2=unhealthy"]);
        speech["instances"]![1]!["stateReason"]!.GetValue<string>().ShouldBe("GET /health answered 503");
        services[1]!["state"]!.GetValue<string>().ShouldBe("unhealthy");
        services[0]!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ShouldBe(["llama3.2", "secret-model"]);
        text.ShouldNotContain("10.1.2.3");
    }

    [Fact]
    public async Task ListServices_KeyScopedToSomeServicesAndModels_SeesOnlyThoseAndTheFunctionsItMayCall()
    {
        var (gateway, _) = await StartAsync();
        await using var _ = gateway;
        // The inference scope without 'embeddings': the embed function serves /v1/embeddings, which AuthoriseStep refuses.
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { scopes = new[] { "services:speech", "services:inference", "chat" }, allowedModels = new[] { "llama3.2" } });
        using var client = gateway.Client(key);

        var services = await ListAsync(client);

        services.Select(s => s!["name"]!.GetValue<string>()).ShouldBe(["inference", "speech"]);
        services[0]!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ShouldBe(["llama3.2"]);
        services[0]!["functions"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ShouldBe(["chat"]);
    }

    [Fact]
    public async Task ListServices_TenantPolicyNarrowsTheKey_TheTenantsScopesApply()
    {
        var (gateway, _) = await StartAsync();
        await using var _ = gateway;
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { scopes = new[] { "services:ocr" } });
        using var client = gateway.Client(key);

        var services = await ListAsync(client);

        services.Select(s => s!["name"]!.GetValue<string>()).ShouldBe(["ocr"]);
        services[0]!["instances"]![0]!["stateReason"]!.GetValue<string>().ShouldBe("tesseract is not installed");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("nx-not-a-key")]
    [InlineData(GatewayHost.AdminKey)]
    public async Task ListServices_NoTenantKey_401InOpenAIsEnvelope(string? key)
    {
        var (gateway, _) = await StartAsync();
        await using var _ = gateway;
        using var client = key is null ? new HttpClient { BaseAddress = gateway.BaseAddress } : gateway.Client(key);

        using var response = await client.GetAsync("v1/services");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("invalid_api_key");
        error["message"]!.GetValue<string>().ShouldContain("API key");
    }
}
