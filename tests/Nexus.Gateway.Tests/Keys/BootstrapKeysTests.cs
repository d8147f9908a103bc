using System.Net;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Keys;

/// <summary>Tenant keys from configuration: created at start, idempotent across restarts, rotated, readers of the registry only when granted.</summary>
public sealed class BootstrapKeysTests
{
    private const string AgentsKey = "nx-bootstrap-agents-key-0123456789abcdefghijklmnop";
    private const string RotatedKey = "nx-bootstrap-agents-key-rotated-0123456789abcdefgh";

    private static Dictionary<string, string?> Settings(string database, string key, bool readRegistry = true) => new()
    {
        ["Nexus:Gateway:SqlitePath"] = database,
        ["Nexus:Gateway:BootstrapKeys:agents:Key"] = key,
        ["Nexus:Gateway:BootstrapKeys:agents:ReadRegistry"] = readRegistry ? "true" : "false",
    };

    [Fact]
    public async Task BootstrapKey_AtStart_IsATenantKeyThatReadsTheRegistryButNotTheAdminApi()
    {
        await using var gateway = await GatewayHost.StartAsync(Settings(GatewayHost.NewDatabasePath(), AgentsKey));
        using var agents = gateway.Client(AgentsKey);

        using var registry = await agents.GetAsync("v1/registry/instances");
        using var usage = await agents.GetAsync("v1/usage");
        using var admin = await agents.GetAsync("admin/tenants");

        registry.StatusCode.ShouldBe(HttpStatusCode.OK);
        usage.StatusCode.ShouldBe(HttpStatusCode.OK);
        admin.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var tenants = (await gateway.Admin.GetFromJsonAsync<JsonArray>("admin/tenants"))!;
        var tenant = tenants.Single(t => t!["id"]!.GetValue<string>() == "tn_agents")!;
        tenant["name"]!.GetValue<string>().ShouldBe("agents");
        var keys = (await gateway.Admin.GetFromJsonAsync<JsonArray>("admin/tenants/tn_agents/keys"))!;
        keys.Count.ShouldBe(1);
        keys.ToJsonString().ShouldNotContain(AgentsKey, Case.Sensitive); // stored as a hash; only the prefix is listed
    }

    [Fact]
    public async Task OrdinaryTenantKey_RegistryRead_Returns403UnlessItsTenantIsGranted()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, plain) = await gateway.CreateKeyAsync();
        var (_, _, granted) = await gateway.CreateKeyAsync(tenantPolicy: new { readRegistry = true }, tenantName: "ops");
        var (_, _, narrowed) = await gateway.CreateKeyAsync(tenantPolicy: new { readRegistry = true }, keyPolicy: new { readRegistry = false }, tenantName: "ops-2");

        using var plainResponse = await gateway.Client(plain).GetAsync("v1/registry/instances");
        using var grantedResponse = await gateway.Client(granted).GetAsync("v1/registry/instances");
        using var narrowedResponse = await gateway.Client(narrowed).GetAsync("v1/registry/instances");
        using var anonymous = await gateway.Http.GetAsync("v1/registry/instances");

        plainResponse.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        grantedResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        narrowedResponse.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task BootstrapKey_RestartAndRotation_OneTenantAndOnlyTheConfiguredKeyWorks()
    {
        var database = GatewayHost.NewDatabasePath();
        await using (var first = await GatewayHost.StartAsync(Settings(database, AgentsKey)))
        {
            (await first.Client(AgentsKey).GetAsync("v1/usage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await using (var again = await GatewayHost.StartAsync(Settings(database, AgentsKey)))
        {
            var keys = (await again.Admin.GetFromJsonAsync<JsonArray>("admin/tenants/tn_agents/keys"))!;
            keys.Count.ShouldBe(1); // a restart with the same value creates nothing
        }

        await using var rotated = await GatewayHost.StartAsync(Settings(database, RotatedKey, readRegistry: false));
        using var oldKey = await rotated.Client(AgentsKey).GetAsync("v1/usage");
        using var newKey = await rotated.Client(RotatedKey).GetAsync("v1/usage");
        using var registry = await rotated.Client(RotatedKey).GetAsync("v1/registry/instances");

        oldKey.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        newKey.StatusCode.ShouldBe(HttpStatusCode.OK);
        registry.StatusCode.ShouldBe(HttpStatusCode.Forbidden); // the tenant's grant follows the configuration
        var tenants = (await rotated.Admin.GetFromJsonAsync<JsonArray>("admin/tenants"))!;
        tenants.Count(t => t!["id"]!.GetValue<string>() == "tn_agents").ShouldBe(1);
    }

    [Fact]
    public async Task BootstrapKey_RevokedByAnOperator_StaysRevokedAfterRestart()
    {
        var database = GatewayHost.NewDatabasePath();
        await using (var first = await GatewayHost.StartAsync(Settings(database, AgentsKey)))
        {
            var key = (await first.Admin.GetFromJsonAsync<JsonArray>("admin/tenants/tn_agents/keys"))!.Single()!;
            (await first.Admin.DeleteAsync($"admin/keys/{key["id"]!.GetValue<string>()}")).EnsureSuccessStatusCode();
        }

        await using var again = await GatewayHost.StartAsync(Settings(database, AgentsKey));
        using var response = await again.Client(AgentsKey).GetAsync("v1/usage");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("agents", "short")]
    [InlineData("agents", "nxadm-0123456789abcdefghijklmnopqrstuvwxyz")]
    [InlineData("Bad Name", AgentsKey)]
    public async Task BootstrapKey_Invalid_RefusesToStartNamingTheSetting(string name, string key)
    {
        var settings = new Dictionary<string, string?> { [$"Nexus:Gateway:BootstrapKeys:{name}:Key"] = key };

        var error = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => GatewayHost.StartAsync(settings));

        error.Message.ShouldContain($"Nexus:Gateway:BootstrapKeys:{name}");
    }
}
