using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Keys;

/// <summary>Tenants, keys and the admin API: keys shown once, hashed, revocable on every replica, tenants isolated.</summary>
public sealed class KeysTests
{
    private static object Chat => new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } };

    [Fact]
    public async Task Admin_WithoutAdminKeyOrWithTenantKey_Returns401()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var tenant = gateway.Client(key);

        using var anonymous = await gateway.Http.GetAsync("admin/tenants");
        using var withTenantKey = await tenant.GetAsync("admin/tenants");

        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        withTenantKey.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CreateKey_KeyShownOnce_ListingShowsOnlyPrefix()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (tenantId, keyId, key) = await gateway.CreateKeyAsync();

        var listing = await gateway.Admin.GetStringAsync($"admin/tenants/{tenantId}/keys");

        key.ShouldStartWith("nx-");
        listing.ShouldContain(keyId);
        listing.ShouldContain(key[..10]);
        listing.ShouldNotContain(key);
        listing.ShouldNotContain("hash", Case.Insensitive);
    }

    [Fact]
    public async Task RevokeKey_OnOneReplica_RejectedOnTheOtherWithinOneSecond()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var database = GatewayHost.NewDatabasePath();
        var settings = Routes.Model("llama", upstream).With("Nexus:Gateway:SqlitePath", database);
        await using var first = await GatewayHost.StartAsync(settings);
        await using var second = await GatewayHost.StartAsync(settings);
        var (_, keyId, key) = await first.CreateKeyAsync();
        using var client = second.Client(key);
        using (var before = await client.PostAsJsonAsync("v1/chat/completions", Chat)) before.StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var revoke = await first.Admin.DeleteAsync($"admin/keys/{keyId}")) revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await Task.Delay(TimeSpan.FromSeconds(1));
        using var after = await client.PostAsJsonAsync("v1/chat/completions", Chat);

        after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task DeleteTenant_ItsKeysStopWorking()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("Nexus:Gateway:KeyCacheDuration", "00:00:00"));
        var (tenantId, _, key) = await gateway.CreateKeyAsync();

        using (var delete = await gateway.Admin.DeleteAsync($"admin/tenants/{tenantId}")) delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var client = gateway.Client(key);
        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Chat_KeyPastItsExpiry_Returns401()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream), time: time);
        var (tenantId, _, _) = await gateway.CreateKeyAsync();
        using var created = await gateway.Admin.PostAsJsonAsync($"admin/tenants/{tenantId}/keys", new { name = "short", expiresAt = time.GetUtcNow().AddHours(1) });
        var key = (await created.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        using var client = gateway.Client(key);
        using (var before = await client.PostAsJsonAsync("v1/chat/completions", Chat)) before.StatusCode.ShouldBe(HttpStatusCode.OK);

        time.Advance(TimeSpan.FromHours(2));
        using var after = await client.PostAsJsonAsync("v1/chat/completions", Chat);

        after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AdminAudit_Paging_WalksEveryRecordOnce()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (tenantId, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        for (var i = 0; i < 5; i++) using (await client.PostAsJsonAsync("v1/chat/completions", Chat)) { }
        await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 5);

        var ids = new List<long>();
        string path = $"admin/audit?tenantId={tenantId}&limit=2";
        while (true)
        {
            var page = (await gateway.Admin.GetFromJsonAsync<JsonObject>(path))!;
            ids.AddRange(page["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
            if (page["next"] is not JsonValue next) break;
            path = $"admin/audit?tenantId={tenantId}&limit=2&before={next.GetValue<long>()}";
        }

        ids.Count.ShouldBe(5);
        ids.ShouldBeUnique();
    }

    [Fact]
    public async Task CreateKey_ExpiryInThePast_Returns400()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (tenantId, _, _) = await gateway.CreateKeyAsync();

        using var response = await gateway.Admin.PostAsJsonAsync($"admin/tenants/{tenantId}/keys", new { name = "old", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Usage_TenantKey_SeesOnlyItsOwnTenant()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (tenantA, _, keyA) = await gateway.CreateKeyAsync(tenantName: "a");
        var (tenantB, _, keyB) = await gateway.CreateKeyAsync(tenantName: "b");
        using var clientA = gateway.Client(keyA);
        using var clientB = gateway.Client(keyB);
        using (await clientA.PostAsJsonAsync("v1/chat/completions", Chat)) { }
        using (await clientB.PostAsJsonAsync("v1/chat/completions", Chat)) { }

        var rowsA = await WaitForUsageAsync(clientA, "v1/usage");
        var all = await WaitForUsageAsync(gateway.Admin, "admin/usage", expected: 2);

        rowsA.Select(r => r!["tenantId"]!.GetValue<string>()).ShouldBe([tenantA]);
        all.Select(r => r!["tenantId"]!.GetValue<string>()).ShouldBe([tenantA, tenantB], ignoreOrder: true);
    }

    [Fact]
    public async Task UpdateTenantPolicy_AppliesToItsKeys()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("Nexus:Gateway:KeyCacheDuration", "00:00:00"));
        var (tenantId, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using (var update = await gateway.Admin.PutAsJsonAsync($"admin/tenants/{tenantId}", new { policy = new { allowedModels = new[] { "other" } } }))
            update.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("llama:latest", HttpStatusCode.OK)]
    [InlineData("llama:1b", HttpStatusCode.Forbidden)]
    public async Task Chat_UntaggedModel_IsAllowedByItsLatestTag(string allowed, HttpStatusCode expected)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { allowedModels = new[] { allowed } });
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);

        response.StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData("llama3.2", "llama3.2:latest", true)]
    [InlineData("llama3.2:latest", "llama3.2", true)]
    [InlineData("registry.local:5000/llama3.2", "registry.local:5000/llama3.2:latest", true)]
    [InlineData("llama3.2", "llama3.2:1b", false)]
    [InlineData("llama3.2:1b", "llama3.2", false)]
    [InlineData("llama3", "llama3.2:latest", false)]
    public void AllowsModel_ListedWithOrWithoutLatestTag_NamesTheSameModel(string allowed, string requested, bool expected) =>
        new Policy { AllowedModels = [allowed] }.AllowsModel(requested).ShouldBe(expected);

    private static async Task<JsonArray> WaitForUsageAsync(HttpClient client, string path, int expected = 1)
    {
        // The audit trail is written asynchronously in batches.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var body = await client.GetFromJsonAsync<JsonNode>(path, timeout.Token);
            var rows = body is JsonArray array ? array : body!["data"]!.AsArray();
            if (rows.Count >= expected) return rows;
            await Task.Delay(50, timeout.Token);
        }
    }
}
