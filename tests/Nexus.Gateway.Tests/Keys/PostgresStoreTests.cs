using System.Net;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Keys;

/// <summary>The gateway on a real PostgreSQL: migrations, keys, revocation and the audit trail.</summary>
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
    }
}
