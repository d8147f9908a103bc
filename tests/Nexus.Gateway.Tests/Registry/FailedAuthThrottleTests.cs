using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nexus.Contract;
using Nexus.Gateway.Security;
using Nexus.Gateway.Tests.Registry.Infrastructure;

namespace Nexus.Gateway.Tests.Registry;

public sealed class FailedAuthThrottleTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private FailedAuthThrottle Throttle(int maxFailures = 10) =>
        new(Options.Create(new FailedAuthOptions { MaxFailures = maxFailures, Window = TimeSpan.FromMinutes(1), BlockFor = TimeSpan.FromMinutes(1) }), _time);

    [Fact]
    public void RecordFailure_TenWithinTheWindow_BlocksTheAddressForTheBlockPeriod()
    {
        var throttle = Throttle();
        for (var i = 0; i < 9; i++) throttle.RecordFailure(FailedAuthScopes.Registration, Client);
        throttle.RetryAfter(FailedAuthScopes.Registration, Client).ShouldBeNull();

        throttle.RecordFailure(FailedAuthScopes.Registration, Client);

        throttle.RetryAfter(FailedAuthScopes.Registration, Client).ShouldBe(TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromSeconds(59.5));
        FailedAuthThrottle.RetryAfterHeader(throttle.RetryAfter(FailedAuthScopes.Registration, Client)!.Value).ShouldBe("1");
        _time.Advance(TimeSpan.FromSeconds(0.5));
        throttle.RetryAfter(FailedAuthScopes.Registration, Client).ShouldBeNull();
    }

    [Fact]
    public void RecordFailure_SpreadOverMoreThanTheWindow_NeverBlocks()
    {
        var throttle = Throttle();
        for (var i = 0; i < 30; i++)
        {
            throttle.RecordFailure(FailedAuthScopes.Registration, Client);
            _time.Advance(TimeSpan.FromSeconds(7)); // 8.6 a minute
        }

        throttle.RetryAfter(FailedAuthScopes.Registration, Client).ShouldBeNull();
    }

    [Fact]
    public void RecordFailure_CountsPerAddressAndScope_AndIPv6Per64()
    {
        var throttle = Throttle(maxFailures: 2);
        throttle.RecordFailure(FailedAuthScopes.Registration, IPAddress.Parse("2001:db8:1:2::1"));
        throttle.RecordFailure(FailedAuthScopes.Registration, IPAddress.Parse("2001:db8:1:2::ffff"));
        throttle.RecordFailure(FailedAuthScopes.Registration, IPAddress.Loopback);
        throttle.RecordFailure(FailedAuthScopes.Admin, IPAddress.Loopback);

        throttle.RetryAfter(FailedAuthScopes.Registration, IPAddress.Parse("2001:db8:1:2::42")).ShouldNotBeNull();
        throttle.RetryAfter(FailedAuthScopes.Registration, IPAddress.Parse("2001:db8:1:3::1")).ShouldBeNull();
        throttle.RetryAfter(FailedAuthScopes.Registration, IPAddress.Loopback).ShouldBeNull();
        throttle.RetryAfter(FailedAuthScopes.Tenant, IPAddress.Parse("2001:db8:1:2::1")).ShouldBeNull();
    }

    [Fact]
    public void Validate_BadSettings_ReportsThemAllTogether()
    {
        var result = new FailedAuthOptionsValidator().Validate(null, new FailedAuthOptions { MaxFailures = 0, Window = TimeSpan.Zero, BlockFor = TimeSpan.FromDays(2) });

        result.Failures!.Count().ShouldBe(3);
    }

    [Fact]
    public async Task Register_AfterTenWrongTokens_Is429WithRetryAfter_EvenWithTheRightToken()
    {
        await using var gateway = await RegistryGateway.StartAsync();
        await using var instance = await TestInstance.StartAsync();
        var body = new RegisterInstanceRequest { BaseUrl = instance.Url, Descriptor = await instance.DescriptorAsync() };

        for (var i = 0; i < 10; i++)
        {
            using var wrong = await PostAsync(gateway, $"wrong-token-{i}-0123456789abcdef", body);
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var blocked = await PostAsync(gateway, "wrong-token-again-0123456789", body);
        using var right = await PostAsync(gateway, RegistryGateway.Token, body);

        blocked.StatusCode.ShouldBe((HttpStatusCode)429);
        blocked.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        blocked.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonNode.Parse(await blocked.Content.ReadAsStringAsync())!["status"]!.GetValue<int>().ShouldBe(429);
        right.StatusCode.ShouldBe((HttpStatusCode)429);
        gateway.Registry.Snapshot().ShouldBeEmpty();
    }

    [Fact]
    public async Task Register_SuccessesInBetween_NeitherCountNorResetTheFailures()
    {
        await using var gateway = await RegistryGateway.StartAsync();
        await using var instance = await TestInstance.StartAsync();
        var body = new RegisterInstanceRequest { BaseUrl = instance.Url, Descriptor = await instance.DescriptorAsync() };

        for (var i = 0; i < 9; i++)
        {
            using var wrong = await PostAsync(gateway, $"wrong-token-{i}-0123456789abcdef", body);
            using var right = await PostAsync(gateway, RegistryGateway.Token, body);
            right.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using var tenth = await PostAsync(gateway, "wrong-token-tenth-0123456789", body);
        using var after = await PostAsync(gateway, RegistryGateway.Token, body);

        tenth.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        after.StatusCode.ShouldBe((HttpStatusCode)429);
    }

    private static async Task<HttpResponseMessage> PostAsync(RegistryGateway gateway, string token, RegisterInstanceRequest body)
    {
        using var request = RegistryGateway.Request(HttpMethod.Post, ContractPaths.RegistryInstances, token, JsonContent.Create(body, options: NexusJson.Options));
        return await gateway.Client.SendAsync(request);
    }
}
