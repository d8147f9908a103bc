using System.Net;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.Gateway.Tests.Registry.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>The whole path: a service registers itself, the registry makes it ready, the gateway routes a tenant's call to it.</summary>
public sealed class RegisteredServiceTests
{
    private const string Token = "registration-token-for-the-tests";

    [Fact]
    public async Task SelfRegisteredService_BecomesReady_AndItsFunctionIsCallableThroughTheGateway()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Registry:Token"] = Token,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
        });
        await using var service = await TestInstance.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Registry:Url"] = gateway.BaseAddress.ToString(),
            ["Nexus:Registry:Token"] = Token,
        });
        var descriptor = await service.DescriptorAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();

        await Eventually.WaitAsync(
            async () =>
            {
                using var instance = await gateway.Admin.GetAsync($"v1/registry/instances/{descriptor.InstanceId}");
                return instance.IsSuccessStatusCode ? await instance.Content.ReadAsStringAsync() : string.Empty;
            },
            body => body.Contains("\"ready\"", StringComparison.OrdinalIgnoreCase),
            "the service to register and become ready");

        using var call = new HttpRequestMessage(HttpMethod.Post, $"v1/services/{descriptor.Name}/v1/echo") { Content = JsonContent.Create(new { text = "through the gateway" }) };
        call.Headers.Authorization = new("Bearer", key);
        using var response = await gateway.Http.SendAsync(call);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>().ShouldBe("through the gateway");
    }

    [Fact]
    public async Task RegistryListing_WithoutAKey_Is401_WithATenantKeyThatMayNotReadTheRegistry_Is403()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Registry:Token"] = Token });
        var (_, _, tenantKey) = await gateway.CreateKeyAsync();

        using var anonymous = await gateway.Http.GetAsync("v1/registry/instances");
        using var asTenant = new HttpRequestMessage(HttpMethod.Get, "v1/registry/instances");
        asTenant.Headers.Authorization = new("Bearer", tenantKey);
        using var tenantResponse = await gateway.Http.SendAsync(asTenant);
        using var asAdmin = await gateway.Admin.GetAsync("v1/registry/instances");

        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        tenantResponse.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        asAdmin.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
