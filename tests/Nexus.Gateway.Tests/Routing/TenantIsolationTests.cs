using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Routing;

/// <summary>One tenant's malformed traffic, at any rate, never takes a shared instance away from another tenant.</summary>
public sealed class TenantIsolationTests
{
    [Fact]
    public async Task Service_OneTenantsUploadsAnswered400And500_OtherTenantKeeps100PercentSuccess()
    {
        await using var ocr = await PickyService.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Services:ocr:0:Url"] = ocr.BaseAddress.ToString() });
        var (_, _, attackerKey) = await gateway.CreateKeyAsync(tenantName: "attacker");
        var (_, _, victimKey) = await gateway.CreateKeyAsync(tenantName: "victim");
        using var attacker = gateway.Client(attackerKey);
        using var victim = gateway.Client(victimKey);

        // Bursts of failures, each longer than the circuit's threshold, with the other tenant's calls in between.
        var attackerStatuses = new List<HttpStatusCode>();
        var victimStatuses = new List<HttpStatusCode>();
        for (var round = 0; round < 5; round++)
        {
            foreach (var upload in new[] { "x", "bad" })
            {
                for (var i = 0; i < 5; i++)
                {
                    using var bad = await attacker.PostAsync("v1/services/ocr/v1/ocr", Multipart(upload));
                    attackerStatuses.Add(bad.StatusCode);
                }
            }

            for (var i = 0; i < 4; i++)
            {
                using var good = await victim.PostAsync("v1/services/ocr/v1/ocr", Multipart("a real image"));
                victimStatuses.Add(good.StatusCode);
            }
        }

        attackerStatuses.Distinct().Order().ShouldBe([HttpStatusCode.BadRequest, HttpStatusCode.InternalServerError]);
        victimStatuses.ShouldAllBe(status => status == HttpStatusCode.OK, string.Join(",", victimStatuses));
        ocr.Requests.ShouldBe(70);
    }

    [Fact]
    public async Task Canary_OneTenantsRequestsAnswered500_NeitherRollItBackNorFailOthers()
    {
        await using var stable = await PickyService.StartAsync();
        await using var canary = await PickyService.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Gateway:Routes:Models:llama:0:Url"] = stable.BaseAddress.ToString(),
            ["Nexus:Gateway:Routes:Models:llama:0:Version"] = "1",
            ["Nexus:Gateway:Routes:Models:llama:1:Url"] = canary.BaseAddress.ToString(),
            ["Nexus:Gateway:Routes:Models:llama:1:Version"] = "2",
            ["Nexus:Gateway:Canaries:llama:Version"] = "2",
            ["Nexus:Gateway:Canaries:llama:WeightPercent"] = "50",
            ["Nexus:Gateway:Canaries:llama:MinRequests"] = "3",
            ["Nexus:Gateway:Canaries:llama:RollbackMargin"] = "0.1",
        });
        var (_, _, attackerKey) = await gateway.CreateKeyAsync(tenantName: "attacker");
        var (_, _, victimKey) = await gateway.CreateKeyAsync(tenantName: "victim");
        using var attacker = gateway.Client(attackerKey);
        using var victim = gateway.Client(victimKey);

        var victimStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            using var bad = await attacker.PostAsync("v1/chat/completions", Chat(i % 2 == 0 ? "x" : "bad"));
            using var good = await victim.PostAsync("v1/chat/completions", Chat("Hi"));
            victimStatuses.Add(good.StatusCode);
        }

        victimStatuses.ShouldAllBe(status => status == HttpStatusCode.OK);
        canary.Requests.ShouldBeGreaterThan(3);
        var status = (await gateway.Admin.GetFromJsonAsync<JsonArray>("admin/canaries"))!.Single()!;
        status["rolledBack"]!.GetValue<bool>().ShouldBeFalse();
        status["canaryFailures"]!.GetValue<long>().ShouldBe(0);
    }

    private static MultipartFormDataContent Multipart(string image) => new() { { new ByteArrayContent(Encoding.UTF8.GetBytes(image)), "image", "scan.png" } };

    private static StringContent Chat(string content) =>
        new(new JsonObject { ["model"] = "llama", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }) }.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>
    /// A service that, like a real one with a bug, answers an upload (or chat message) of just <c>x</c> with 500 and
    /// one of just <c>bad</c> with 400; anything else with 200 (OpenAI's chat shape).
    /// </summary>
    private sealed class PickyService : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private PickyService(WebApplication app) => _app = app;

        public Uri BaseAddress => TestWebHost.BaseAddress(_app);

        public int Requests => _requests;

        public static async Task<PickyService> StartAsync()
        {
            var builder = TestWebHost.CreateBuilder(slim: true);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var service = new PickyService(app);
            app.Run(service.HandleAsync);
            await TestWebHost.StartAsync(app);
            return service;
        }

        private async Task HandleAsync(HttpContext context)
        {
            Interlocked.Increment(ref _requests);
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (body.Contains("\r\n\r\nx\r\n", StringComparison.Ordinal) || body.Contains("\"content\":\"x\"", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsJsonAsync(new { title = "An error occurred while processing your request.", status = 500 });
                return;
            }

            if (body.Contains("\r\n\r\nbad\r\n", StringComparison.Ordinal) || body.Contains("\"content\":\"bad\"", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsJsonAsync(new { error = new { message = "bad input", type = "invalid_request_error" } });
                return;
            }

            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["created"] = 1700000000, ["model"] = "llama",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "ok" }, ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
            });
        }

        public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);
    }
}
