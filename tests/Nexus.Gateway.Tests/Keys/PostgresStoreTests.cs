using System.Net;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Keys;

/// <summary>The gateway on a real PostgreSQL: migrations, keys, revocation, stored routes and the audit trail.</summary>
public sealed class PostgresStoreTests
{
    [SkippableFact]
    public async Task Gateway_OnPostgres_ServesKeysRevokesAndAudits()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = Routes.Model("llama", upstream)
            .With("ConnectionStrings:nexusdb", postgres.ConnectionString)
            .With("Nexus:Gateway:KeyCacheDuration", "00:00:00");
        await using (var restarted = await GatewayHost.StartAsync(settings))
        {
            // A first start applies the migrations; the second (below) must find them applied.
        }

        await using var gateway = await GatewayHost.StartAsync(settings);
        var (tenantId, keyId, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        using (var ok = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } }))
            ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var revoke = await gateway.Admin.DeleteAsync($"admin/keys/{keyId}")) revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var revoked = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });

        revoked.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var audit = await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 1);
        audit[0]!["promptTokens"]!.GetValue<long>().ShouldBe(10);
        audit[0]!["completionTokens"]!.GetValue<long>().ShouldBe(90);
        // PostgreSQL sums BIGINT columns as NUMERIC: the usage rows must still come back as whole token counts.
        var usage = await gateway.Admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>($"admin/usage?tenantId={tenantId}");
        usage!.ShouldHaveSingleItem()!["completionTokens"]!.GetValue<long>().ShouldBe(90);
    }

    [SkippableFact]
    public async Task Gateway_OnPostgres_StoredRoutesServeOnEveryReplica()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var oldUpstream = await FakeUpstream.StartAsync("old");
        await using var newUpstream = await FakeUpstream.StartAsync("new");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:nexusdb"] = postgres.ConnectionString };
        await using var first = await GatewayHost.StartAsync(settings);
        await using var second = await GatewayHost.StartAsync(settings);
        var (_, _, key) = await first.CreateKeyAsync();
        using var client = second.Client(key);
        var chat = new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } };

        using (var put = await first.Admin.PutAsJsonAsync("admin/routes/models/llama", new { upstreams = new[] { new { url = oldUpstream.BaseAddress.ToString() } } }))
            put.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var replace = await first.Admin.PutAsJsonAsync("admin/routes/models/llama", new { upstreams = new[] { new { url = newUpstream.BaseAddress.ToString() } } }))
            replace.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.WaitAsync(async () => { using var r = await client.PostAsJsonAsync("v1/chat/completions", chat); return newUpstream.Requests; }, n => n > 0, "the replaced route on the other replica");
        var route = await second.Admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("admin/routes/models/llama");

        route!["upstreams"]![0]!["url"]!.GetValue<string>().ShouldBe(newUpstream.BaseAddress.ToString());
        route["source"]!.GetValue<string>().ShouldBe("admin");
    }
}
