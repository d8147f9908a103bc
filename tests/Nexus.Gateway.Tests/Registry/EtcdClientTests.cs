using System.Text;
using Nexus.Gateway.Registry.Etcd;
using Nexus.Gateway.Tests.Registry.Infrastructure;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>The hand-written etcd v3 JSON-gateway client against a real etcd.</summary>
public sealed class EtcdClientTests(EtcdServer etcd) : IClassFixture<EtcdServer>, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _prefix = $"/nexus-client-tests/{Guid.NewGuid():N}/";

    public void Dispose() => _http.Dispose();

    [SkippableFact]
    public async Task PutAndRangePrefix_ReturnsOnlyKeysUnderThePrefixWithTheirLease()
    {
        var client = Client();
        var lease = await client.GrantLeaseAsync(30, CancellationToken.None);
        await client.PutAsync(_prefix + "a", Encoding.UTF8.GetBytes("one"), lease, CancellationToken.None);
        await client.PutAsync(_prefix + "b", Encoding.UTF8.GetBytes("two"), 0, CancellationToken.None);
        await client.PutAsync(_prefix.TrimEnd('/') + "x", Encoding.UTF8.GetBytes("outside"), 0, CancellationToken.None);

        var range = await client.RangePrefixAsync(_prefix, CancellationToken.None);

        range.Kvs!.Select(kv => EtcdClient.Decode(kv.Key)).ShouldBe([_prefix + "a", _prefix + "b"]);
        range.Kvs![0].Lease.ShouldBe(lease);
        EtcdClient.Decode(range.Kvs![1].Value!).ShouldBe("two");
        range.Header.Revision.ShouldBeGreaterThan(0);
    }

    [SkippableFact]
    public async Task KeepAlive_AfterRevoke_ReportsTheLeaseGoneAndItsKeysDeleted()
    {
        var client = Client();
        var lease = await client.GrantLeaseAsync(30, CancellationToken.None);
        await client.PutAsync(_prefix + "leased", [1], lease, CancellationToken.None);
        (await client.KeepAliveAsync(lease, CancellationToken.None)).ShouldBeTrue();

        await client.RevokeLeaseAsync(lease, CancellationToken.None);

        (await client.KeepAliveAsync(lease, CancellationToken.None)).ShouldBeFalse();
        (await client.RangePrefixAsync(_prefix, CancellationToken.None)).Kvs.ShouldBeNull();
        await client.RevokeLeaseAsync(lease, CancellationToken.None);
    }

    [SkippableFact]
    public async Task WatchPrefix_FromARevision_StreamsPutsAndDeletesInOrder()
    {
        var client = Client();
        var start = (await client.RangePrefixAsync(_prefix, CancellationToken.None)).Header.Revision + 1;
        await client.PutAsync(_prefix + "k", Encoding.UTF8.GetBytes("v1"), 0, CancellationToken.None);
        await client.PutAsync(_prefix + "k", Encoding.UTF8.GetBytes("v2"), 0, CancellationToken.None);
        await client.DeleteAsync(_prefix + "k", CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        var events = new List<string>();
        await foreach (var change in client.WatchPrefixAsync(_prefix, start, cancel.Token))
        {
            events.Add(change.IsDelete ? "delete" : "put " + EtcdClient.Decode(change.Kv.Value!));
            if (events.Count == 3) break;
        }

        events.ShouldBe(["put v1", "put v2", "delete"]);
    }

    [Fact]
    public async Task Requests_ToAnAddressWithoutEtcd_FailWithAnHttpError()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1") };
        var client = new EtcdClient(http, TimeSpan.FromSeconds(5));

        await Should.ThrowAsync<HttpRequestException>(() => client.GrantLeaseAsync(10, CancellationToken.None));
    }

    private EtcdClient Client()
    {
        Skip.If(etcd.Unavailable is not null, etcd.Unavailable);
        _http.BaseAddress ??= etcd.ClientUrl;
        return new EtcdClient(_http, TimeSpan.FromSeconds(5));
    }
}
