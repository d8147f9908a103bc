using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nexus.Gateway.Tests.Fuzz;

/// <summary>
/// Malformed requests to every public endpoint of the gateway, from a fixed seed, with valid, wrong and missing
/// credentials, and an upstream that answers well: no 5xx from the gateway (it sees every answer it wrote, also to a
/// client that had gone), no answer slower than 10 s, every error in the route's format, and the gateway still
/// serving afterwards.
/// </summary>
public sealed class GatewayFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 14_140;
    private const int Total = 900;
    private const string RegistrationToken = "fuzz-registration-token-0123456789";

    /// <summary>How long a registry watch is listened to: it streams for as long as the client stays.</summary>
    private static readonly TimeSpan WatchListen = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Fuzz_EveryPublicEndpoint_NoServerErrorNoHangAndTheRoutesErrorFormat()
    {
        await using var upstream = await FuzzUpstream.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            [$"Nexus:Gateway:Routes:Models:{GatewayRoutes.Model}:0:Url"] = upstream.BaseAddress.ToString(),
            [$"Nexus:Gateway:Routes:Services:{GatewayRoutes.Service}:0:Url"] = upstream.BaseAddress.ToString(),
            ["Nexus:Registry:Token"] = RegistrationToken,
            // Wrong credentials are part of the run; the throttle that would then refuse the right ones too has tests of its own.
            ["Nexus:Gateway:AuthFailuresPerMinute"] = "0",
            [$"Logging:{typeof(RequestLog).FullName}:LogLevel:{RequestLog.Category}"] = "Information",
        };
        await using var gateway = await GatewayHost.StartAsync(settings);
        var requests = new RequestLog();
        gateway.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(requests);

        var (_, _, tenantKey) = await gateway.CreateKeyAsync(tenantName: "fuzzing");
        var (otherTenant, otherKey, _) = await gateway.CreateKeyAsync(tenantName: "administered");
        var (instanceId, secret) = await RegisterAsync(gateway, upstream.BaseAddress);
        var credentials = new Dictionary<Credential, string>
        {
            [Credential.Tenant] = tenantKey,
            [Credential.Admin] = GatewayHost.AdminKey,
            [Credential.Registration] = RegistrationToken,
            [Credential.Instance] = secret,
        };

        var routes = GatewayRoutes.All(upstream.BaseAddress, otherTenant, otherKey, instanceId).ToDictionary(r => r.Name);
        var random = new Random(Seed);
        var inputs = new MalformedInputs(GatewayRoutes.Descriptor(routes.Values), Seed).Generate(Total)
            .Select(input => WithCredential(input, routes[input.Function].Credential, credentials, random))
            .ToList();

        var statuses = new ConcurrentDictionary<int, int>();
        var byCredential = new ConcurrentDictionary<string, int>();
        var byRoute = new ConcurrentDictionary<(string Route, int Status), int>();
        var failures = new ConcurrentQueue<string>();
        var slowest = TimeSpan.Zero;
        var slowestLock = new Lock();
        await Parallel.ForEachAsync(inputs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (sent, _) =>
        {
            var (input, credential) = sent;
            var route = routes[input.Function];
            var response = route.Streams ? await ListenAsync(gateway.BaseAddress, input) : await ServiceFuzz.SendAsync(gateway.BaseAddress, input);
            statuses.AddOrUpdate(response.Status, 1, (_, n) => n + 1);
            byCredential.AddOrUpdate(credential, 1, (_, n) => n + 1);
            byRoute.AddOrUpdate((route.Name, response.Status), 1, (_, n) => n + 1);
            lock (slowestLock)
            {
                if (response.Elapsed > slowest) slowest = response.Elapsed;
            }

            if (ServiceFuzz.Check(response, route.OpenAI) is { } problem) failures.Enqueue($"{input} [{credential}]: {problem}");
        });

        var report = new FuzzReport(inputs.Count, statuses, slowest, [.. failures]);
        output.WriteLine(report.Summary("gateway"));
        output.WriteLine($"{routes.Count} routes; credentials {string.Join(", ", byCredential.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"))}; " +
            $"{requests.Started} requests reached the gateway, {requests.ServerErrors.Count} answered 5xx");
        foreach (var route in byRoute.GroupBy(r => r.Key.Route).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {route.Key}: {string.Join(", ", route.OrderBy(r => r.Key.Status).Select(r => $"{r.Key.Status}: {r.Value}"))}");
        }

        foreach (var failure in report.Failures) output.WriteLine(failure);

        report.Inputs.ShouldBeGreaterThanOrEqualTo(Total);
        report.Failures.ShouldBeEmpty();
        requests.ServerErrors.ShouldBeEmpty();
        await ShouldStillServeAsync(gateway, tenantKey);
    }

    private static (MalformedInput Input, string Credential) WithCredential(MalformedInput input, Credential credential, Dictionary<Credential, string> credentials, Random random)
    {
        // Mostly the right credential, so inputs reach the body's parsing; the rest wrong, of another kind, or none.
        var (kind, bearer) = random.Next(10) switch
        {
            0 => ("none", null),
            1 => ("wrong", credential == Credential.Admin ? "nxadm-wrong-admin-key" : "nx-wrong-tenant-key-000000000000"),
            2 => ("other kind", credential == Credential.Admin ? credentials[Credential.Tenant] : credentials[Credential.Admin]),
            _ => credential == Credential.None ? ("none", null) : ("valid", credentials[credential]),
        };
        if (bearer is null) return (input, kind);
        return (input with { Headers = [.. input.Headers, new("Authorization", "Bearer " + bearer)] }, kind);
    }

    /// <summary>A watch answers with its headers and keeps streaming: its answer is what arrived while listening.</summary>
    private static async Task<RawHttpResponse> ListenAsync(Uri baseAddress, MalformedInput input)
    {
        var response = await RawHttp.SendAsync(baseAddress, RawHttp.Request(baseAddress, input.Method, input.PathAndQuery, input.Headers, input.Body, input.DeclaredLength), WatchListen);
        if (response.Status != 0) return response;
        var head = Encoding.ASCII.GetString(response.Body);
        return head.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal) && head.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase)
            ? response with { Status = 200 }
            : response;
    }

    private static async Task<(string InstanceId, string Secret)> RegisterAsync(GatewayHost gateway, Uri upstream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/registry/instances")
        {
            Content = JsonContent.Create(GatewayRoutes.Registration(upstream, "registered-1")),
        };
        request.Headers.Authorization = new("Bearer", RegistrationToken);
        using var response = await gateway.Http.SendAsync(request);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        response.IsSuccessStatusCode.ShouldBeTrue(body.ToJsonString());
        return (body["instanceId"]!.GetValue<string>(), body["instanceSecret"]!.GetValue<string>());
    }

    private static async Task ShouldStillServeAsync(GatewayHost gateway, string tenantKey)
    {
        using var alive = await gateway.Http.GetAsync("alive");
        alive.IsSuccessStatusCode.ShouldBeTrue("/alive after the run");
        using var client = gateway.Client(tenantKey);
        using var chat = await client.PostAsJsonAsync("v1/chat/completions", new { model = GatewayRoutes.Model, messages = new[] { new { role = "user", content = "still there?" } } });
        chat.IsSuccessStatusCode.ShouldBeTrue($"a valid chat after the run: {(int)chat.StatusCode} {await chat.Content.ReadAsStringAsync()}");
    }
}
