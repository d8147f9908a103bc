using Nexus.Contract;
using Nexus.ServiceDefaults.Tests.Infrastructure;
using Nexus.Testing;

namespace Nexus.ServiceDefaults.Tests;

/// <summary>The registration client against a test registry that speaks the contract's wire format.</summary>
public sealed class RegistrationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Registration_RegistryConfigured_RegistersRenewsAndDeregistersOnStop()
    {
        await using var registry = await FakeRegistry.StartAsync(leaseSeconds: 1);
        var service = await EchoService.StartAsync(Settings(registry));

        var register = await registry.Server.WaitForAsync(r => r.Method == "POST", Wait);
        var request = System.Text.Json.JsonSerializer.Deserialize<RegisterInstanceRequest>(register.Body, NexusJson.Options)!;
        register.Headers["Authorization"].ShouldBe("Bearer registration-secret");
        request.BaseUrl.ShouldBe(service.BaseAddress.ToString().TrimEnd('/'));
        request.Descriptor.Name.ShouldBe("nexus-servicedefaults-tests");
        request.Descriptor.Functions.ShouldContain(f => f.Name == "echo");

        var renew = await registry.Server.WaitForAsync(r => r.Method == "PUT", Wait);
        renew.Path.ShouldBe($"/v1/registry/instances/{request.Descriptor.InstanceId}/lease");
        renew.Headers["Authorization"].ShouldBe("Bearer instance-secret");
        System.Text.Json.JsonSerializer.Deserialize<RenewLeaseRequest>(renew.Body, NexusJson.Options)!.DescriptorHash.ShouldMatch("^[0-9a-f]{64}$");

        await service.DisposeAsync();

        var deregister = registry.Server.Requests.Single(r => r.Method == "DELETE");
        deregister.Path.ShouldBe($"/v1/registry/instances/{request.Descriptor.InstanceId}");
        deregister.Headers["Authorization"].ShouldBe("Bearer instance-secret");
    }

    [Fact]
    public async Task Registration_RegistryDown_ServiceKeepsServingAndRegistersWhenItReturns()
    {
        await using var registry = await FakeRegistry.StartAsync(leaseSeconds: 30, failFirst: 3);
        await using var service = await EchoService.StartAsync(Settings(registry));

        (await service.Client.GetAsync("health")).EnsureSuccessStatusCode();
        await registry.Registered.Task.WaitAsync(Wait);

        registry.Server.Requests.Count(r => r.Method == "POST").ShouldBe(4);
    }

    [Fact]
    public async Task Registration_OneTransientFailure_IsRetriedAtOnceWithoutAWarning()
    {
        await using var registry = await FakeRegistry.StartAsync(leaseSeconds: 30, failFirst: 1);
        await using var service = await EchoService.StartAsync(Settings(registry));

        await registry.Registered.Task.WaitAsync(Wait);

        registry.Server.Requests.Count(r => r.Method == "POST").ShouldBe(2);
        service.Logs.Entries.ShouldNotContain(e => e.Message.Contains("unavailable; retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registration_RegistryNotUpYetAtStart_RetriesWithInformationNotAWarning()
    {
        // 503 three times: the resilience handler's three attempts of the first try all fail, as a gateway still starting.
        await using var registry = await FakeRegistry.StartAsync(leaseSeconds: 30, failFirst: 3);
        await using var service = await EchoService.StartAsync(Settings(registry));

        await registry.Registered.Task.WaitAsync(Wait);

        service.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Information && e.Message.Contains("not answering yet", StringComparison.Ordinal));
        service.Logs.Entries.ShouldNotContain(e => e.Level >= LogLevel.Warning
            && (e.Category.EndsWith("RegistrationService", StringComparison.Ordinal) || e.Category.StartsWith("Polly", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Registration_RegistryForgetsInstance_RegistersAgain()
    {
        await using var registry = await FakeRegistry.StartAsync(leaseSeconds: 1, forgetOnRenew: true);
        await using var service = await EchoService.StartAsync(Settings(registry));

        await registry.Server.WaitForAsync(r => r.Method == "PUT", Wait);
        await Eventually.TrueAsync(() => registry.Server.Requests.Count(r => r.Method == "POST") >= 2, "a second registration", Wait);
    }

    [Fact]
    public async Task Registration_GatewayReferenceFromAppHost_IsUsedAsRegistry()
    {
        await using var registry = await FakeRegistry.StartAsync(leaseSeconds: 30);
        await using var service = await EchoService.StartAsync(new Dictionary<string, string?>
        {
            ["services:gateway:http:0"] = registry.Server.BaseAddress.ToString(),
            ["Nexus:Registry:Token"] = "registration-secret",
        });

        await registry.Registered.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task Registration_RegistryUrlByServiceName_ResolvesThroughServiceDiscovery()
    {
        await using var registry = await FakeRegistry.StartAsync(leaseSeconds: 30);
        await using var service = await EchoService.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Registry:Url"] = "http://gateway",
            ["services:gateway:http:0"] = registry.Server.BaseAddress.ToString(),
            ["Nexus:Registry:Token"] = "registration-secret",
        });

        await registry.Registered.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task Registration_NoRegistryConfigured_ServesWithoutRegistering()
    {
        await using var service = await EchoService.StartAsync();

        (await service.Client.GetAsync("health")).EnsureSuccessStatusCode();
        service.Logs.Entries.ShouldContain(e => e.Message.Contains("Self-registration is off", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> Settings(FakeRegistry registry) => new()
    {
        ["Nexus:Registry:Url"] = registry.Server.BaseAddress.ToString(),
        ["Nexus:Registry:Token"] = "registration-secret",
        ["Nexus:Registry:MaxRetryDelay"] = "00:00:01",
    };

    /// <summary>A registry that answers the wire format: optionally failing at first, or forgetting instances.</summary>
    private sealed class FakeRegistry : IAsyncDisposable
    {
        private int _failuresLeft;

        public required RecordingServer Server { get; init; }
        public TaskCompletionSource Registered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static async Task<FakeRegistry> StartAsync(int leaseSeconds, int failFirst = 0, bool forgetOnRenew = false)
        {
            FakeRegistry? self = null;
            var server = await RecordingServer.StartAsync(app =>
            {
                app.MapPost(ContractPaths.RegistryInstances, async (HttpRequest http) =>
                {
                    if (Interlocked.Decrement(ref self!._failuresLeft) >= 0) return Results.StatusCode(503);
                    if (http.Headers.Authorization != "Bearer registration-secret") return Results.Unauthorized();
                    var request = await http.ReadFromJsonAsync<RegisterInstanceRequest>(NexusJson.Options);
                    self.Registered.TrySetResult();
                    return Results.Json(
                        new RegisterInstanceResponse { InstanceId = request!.Descriptor.InstanceId, InstanceSecret = "instance-secret", LeaseSeconds = leaseSeconds },
                        NexusJson.Options,
                        statusCode: 201);
                });
                app.MapPut(ContractPaths.RegistryInstances + "/{id}/lease", () => forgetOnRenew
                    ? Results.NotFound()
                    : Results.Json(new RenewLeaseResponse { LeaseSeconds = leaseSeconds, State = "ready" }, NexusJson.Options));
                app.MapDelete(ContractPaths.RegistryInstances + "/{id}", () => Results.NoContent());
            });
            self = new FakeRegistry { Server = server, _failuresLeft = failFirst };
            return self;
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
