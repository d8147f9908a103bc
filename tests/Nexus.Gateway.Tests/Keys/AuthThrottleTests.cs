using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Keys;

/// <summary>Credentials cannot be guessed at full speed: failed authentication is throttled per client address.</summary>
public sealed class AuthThrottleTests
{
    // One second into a minute, so every attempt of a test falls in one window.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 1, TimeSpan.Zero));

    private static Dictionary<string, string?> Settings(FakeUpstream upstream) =>
        Routes.Model("llama", upstream).With("Nexus:Gateway:AuthFailuresPerMinute", "5").With("Nexus:Registry:Token", "registration-token-for-the-tests");

    [Fact]
    public async Task TenantKeys_GuessedFromOneAddress_429WithRetryAfterUntilTheMinuteEnds()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Settings(upstream), time: _time);
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var guesser = gateway.Client("nx-wrong-guess");
        using var owner = gateway.Client(key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var guess = await guesser.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });
            statuses.Add(guess.StatusCode);
        }

        using var throttled = await guesser.GetAsync("v1/models");
        using var rightKeySameAddress = await owner.GetAsync("v1/models");
        _time.Advance(TimeSpan.FromMinutes(1));
        using var nextMinute = await owner.GetAsync("v1/models");

        statuses.ShouldBe([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)]);
        throttled.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBe(59);
        (await throttled.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>().ShouldBe("too_many_failed_authentications");
        rightKeySameAddress.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        nextMinute.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task AdminKeys_Guessed_429AfterTheLimit()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Settings(upstream), time: _time);
        using var guesser = gateway.Client("nxadm-wrong-guess");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var guess = await guesser.GetAsync("admin/tenants");
            statuses.Add(guess.StatusCode);
        }

        statuses.ShouldBe([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)]);
    }

    [Fact]
    public async Task RegistrationTokens_Guessed_429AfterTheLimit()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Settings(upstream).With("Nexus:Registry:Enabled", "true"), time: _time);
        using var guesser = gateway.Client("wrong-registration-token");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var guess = await guesser.PostAsJsonAsync("v1/registry/instances", new { baseUrl = "http://127.0.0.1:1/", descriptor = new { } });
            statuses.Add(guess.StatusCode);
        }

        statuses.ShouldBe([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)]);
    }
}
