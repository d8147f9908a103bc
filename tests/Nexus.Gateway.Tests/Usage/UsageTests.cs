using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Nexus.Gateway.Storage;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Tests.Usage;

/// <summary>Exact usage, the audit trail (none lost at shutdown) and the gateway's metrics.</summary>
public sealed class UsageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static HttpRequestMessage Stream() => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = JsonContent.Create(new { model = "llama", stream = true, messages = new[] { new { role = "user", content = "Hi" } } }),
    };

    [Fact]
    public async Task Shutdown_AfterRequests_EveryAuditRecordIsWritten()
    {
        await using var upstream = await FakeUpstream.StartAsync("alpha");
        var database = GatewayHost.NewDatabasePath();
        string tenantId;
        await using (var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("Nexus:Gateway:SqlitePath", database)))
        {
            (tenantId, _, var key) = await gateway.CreateKeyAsync();
            using var client = gateway.Client(key);
            await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
            {
                using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });
            }));
            using var streamed = await client.SendAsync(Stream());
            await streamed.Content.ReadAsStringAsync();
        }

        var records = await ReadAuditAsync(database, tenantId);

        records.Count.ShouldBe(31);
        records.ShouldAllBe(r => r.Status == 200 && r.PromptTokens == 10 && r.CompletionTokens == 90 && r.Instance == $"static:model:llama:{upstream.BaseAddress}");
        records.ShouldAllBe(r => r.Endpoint == "chat.completions" && r.Model == "llama" && r.RequestId.Length > 0 && r.LatencyMs >= r.OverheadMs);
    }

    [Fact]
    public async Task Stream_ClientDisconnects_BilledForWhatWasProduced()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.StreamGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var database = GatewayHost.NewDatabasePath();
        string tenantId;
        await using (var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("Nexus:Gateway:SqlitePath", database)))
        {
            (tenantId, _, var key) = await gateway.CreateKeyAsync();
            var client = gateway.Client(key);
            var response = await client.SendAsync(Stream(), HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            (await reader.ReadLineAsync().WaitAsync(Wait)).ShouldNotBeNull();
            reader.Dispose();
            response.Dispose();
            client.Dispose();
            await upstream.StreamAborted.Task.WaitAsync(Wait);
        }

        var record = (await ReadAuditAsync(database, tenantId)).Single();

        record.Status.ShouldBe(499);
        record.CompletionTokens.ShouldBe(1);
        record.PromptTokens.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Stream_UpstreamCutOff_AuditedAsFailedAndOpensNoWayBackIn()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = UpstreamBehavior.CutStream;
        var database = GatewayHost.NewDatabasePath();
        string tenantId;
        await using (var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream)
            .With("Nexus:Gateway:SqlitePath", database)
            .With("Nexus:Gateway:CircuitFailureThreshold", "1")
            .With("Nexus:Gateway:CircuitBreakDuration", "00:10:00")))
        {
            (tenantId, _, var key) = await gateway.CreateKeyAsync();
            using var client = gateway.Client(key);
            using var response = await client.SendAsync(Stream());
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldContain("upstream_stream_cut");

            // The cut-off counts against the instance: with a threshold of one, its circuit is now open.
            using var next = await client.SendAsync(Stream());
            next.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        var records = await ReadAuditAsync(database, tenantId);
        records.Count.ShouldBe(2);
        records.ShouldAllBe(r => r.Status >= 500);
    }

    [Fact]
    public async Task Metrics_AfterRequests_RecordRequestsTokensRejectionsAndOverhead()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        using var recorded = new MeterRecorder(gateway.App.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName);

        using (var ok = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } }))
            ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (await gateway.Http.PostAsJsonAsync("v1/chat/completions", new { model = "llama" })) { }

        await Eventually.TrueAsync(() => recorded.Count("nexus.gateway.overhead") == 2, "both requests measured");
        recorded.Sum("nexus.gateway.requests", ("endpoint", "chat.completions"), ("status", 200)).ShouldBe(1);
        recorded.Sum("nexus.gateway.tokens", ("direction", "completion")).ShouldBe(90);
        recorded.Sum("nexus.gateway.rejections", ("reason", "auth")).ShouldBe(1);
        recorded.Count("nexus.gateway.overhead").ShouldBe(2);
        recorded.Count("nexus.gateway.upstream.duration").ShouldBe(1);
    }

    private static async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(string database, string tenantId)
    {
        var store = new SqliteGatewayStore(SqliteGatewayStore.ConnectionStringFor(database), NullLogger<SqliteGatewayStore>.Instance);
        return await store.QueryAuditAsync(new AuditQuery { TenantId = tenantId, Limit = 1000 }, CancellationToken.None);
    }
}
