using System.Net;
using Microsoft.Extensions.Time.Testing;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Keys;

/// <summary>
/// Behind the UI (or any reverse proxy) every person shares the proxy's address: with the proxy trusted, the throttle
/// counts each person's failures against the address the proxy forwards, and from anyone else the header is ignored.
/// </summary>
public sealed class AuthThrottleProxiesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 1, TimeSpan.Zero));

    private static Dictionary<string, string?> Settings(string? trusted) => new()
    {
        ["Nexus:Gateway:AuthFailuresPerMinute"] = "3",
        ["Nexus:Gateway:TrustedProxies:0"] = trusted,
    };

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task FailedKeys_ThroughATrustedProxy_CountAgainstTheForwardedAddressOnly()
    {
        await using var gateway = await GatewayHost.StartAsync(Settings("127.0.0.1"), time: _time);
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var typist = gateway.Client("nx-typo");
        using var colleague = gateway.Client(key);

        var typos = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) typos.Add(await GetAsync(typist, "203.0.113.7"));
        var colleagueAfter = await GetAsync(colleague, "203.0.113.8");
        var typistRightKeyAfter = await GetAsync(colleague, "203.0.113.7");

        typos.ShouldBe([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]);
        colleagueAfter.ShouldBe(HttpStatusCode.OK);
        typistRightKeyAfter.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task FailedKeys_FromAnUntrustedPeer_TheForwardedAddressIsIgnored()
    {
        // The proxy trusted is another address: this client (loopback) cannot escape the throttle by inventing addresses.
        await using var gateway = await GatewayHost.StartAsync(Settings("10.9.9.9"), time: _time);
        using var guesser = gateway.Client("nx-guess");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) statuses.Add(await GetAsync(guesser, $"203.0.113.{i + 1}"));

        statuses.ShouldBe([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]);
    }

    [Fact]
    public async Task FailedKeys_NoProxyConfigured_TheForwardedAddressIsIgnored()
    {
        await using var gateway = await GatewayHost.StartAsync(Settings(null), time: _time);
        using var guesser = gateway.Client("nx-guess");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) statuses.Add(await GetAsync(guesser, $"198.51.100.{i + 1}"));

        statuses[^1].ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Start_AnEntryThatIsNoAddress_RefusesToStartNamingIt()
    {
        var error = await Should.ThrowAsync<InvalidOperationException>(() => GatewayHost.StartAsync(Settings("the-ui-host")));

        error.Message.ShouldContain("Nexus:Gateway:TrustedProxies: 'the-ui-host'");
    }
}
