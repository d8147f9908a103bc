using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Registry.Backends;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>A service whose instances died is still a service for a while: 503 (no ready instance), not 404 (no such service).</summary>
public sealed class GoneServiceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task IsKnownService_AfterTheLastLeaseExpires_StaysKnownForTheGraceThenNot()
    {
        var options = Options.Create(new RegistryOptions { LeaseSeconds = 30, GoneServiceGrace = TimeSpan.FromMinutes(10) });
        var registry = new ServiceRegistry(options, _time, NullLogger<ServiceRegistry>.Instance);
        var backend = new EmbeddedBackend(registry, options, _time);
        await backend.CreateAsync(Record("a"), null, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(30));
        registry.ExpireLeases(_time.GetUtcNow()).ShouldBe(["a"]);

        registry.Snapshot().ShouldBeEmpty();
        registry.IsKnownService("svc").ShouldBeTrue();
        registry.IsKnownModel("llama").ShouldBeTrue();
        registry.IsKnownService("other").ShouldBeFalse();
        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        registry.IsKnownService("svc").ShouldBeTrue();
        _time.Advance(TimeSpan.FromSeconds(1));
        registry.IsKnownService("svc").ShouldBeFalse();
        registry.IsKnownModel("llama").ShouldBeFalse();
    }

    [Theory]
    [InlineData(null, HttpStatusCode.ServiceUnavailable)]
    [InlineData("00:00:00", HttpStatusCode.NotFound)]
    public async Task ServiceWhoseInstanceLeft_AnswersByTheGracePeriod(string? grace, HttpStatusCode expected)
    {
        const string Token = "registration-token-for-the-tests";
        var settings = new Dictionary<string, string?>
        {
            ["Nexus:Registry:Token"] = Token,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
        };
        if (grace is not null) settings["Nexus:Registry:GoneServiceGrace"] = grace;
        await using var gateway = await GatewayHost.StartAsync(settings);
        await using var service = await TestInstance.StartAsync();
        var descriptor = await service.DescriptorAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var http = new HttpClient();
        var registration = await new RegistrationClient(http).RegisterAsync(
            gateway.BaseAddress, Token, new RegisterInstanceRequest { BaseUrl = service.Url, Descriptor = descriptor }, CancellationToken.None);
        var registry = gateway.App.Services.GetRequiredService<IServiceRegistry>();
        await Nexus.Testing.Eventually.WaitAsync(() => registry.Find(descriptor.InstanceId), i => i?.State == InstanceState.Ready, "the instance to become ready");
        using var client = gateway.Client(key);
        (await EchoAsync(client, descriptor.Name)).Status.ShouldBe(HttpStatusCode.OK);

        await new RegistrationClient(http).DeregisterAsync(gateway.BaseAddress, registration, CancellationToken.None);

        var (status, body) = await EchoAsync(client, descriptor.Name);
        status.ShouldBe(expected, body);
        JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>().ShouldBe(expected == HttpStatusCode.NotFound ? "service_not_found" : "no_ready_instance");
    }

    private static async Task<(HttpStatusCode Status, string Body)> EchoAsync(HttpClient client, string service)
    {
        using var response = await client.PostAsJsonAsync($"v1/services/{service}/v1/echo", new { text = "hello" });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private InstanceRecord Record(string id) => new()
    {
        InstanceId = id,
        BaseUrl = "http://127.0.0.1:1",
        Descriptor = new NexusServiceDescriptor { Name = "svc", Version = "1.0.0", Kind = ServiceKinds.Inference, InstanceId = id, Models = [new ModelDescriptor { Id = "llama" }] },
        SecretHash = InstanceSecrets.Hash("secret"),
        DescriptorHash = "hash",
        RegisteredAt = _time.GetUtcNow(),
        LeaseSeconds = 30,
    };
}
