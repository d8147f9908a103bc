using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;
using Nexus.Ui.Gateway;

namespace Nexus.Ui.Agents;

/// <summary>
/// The agents service's API, reached only through the gateway (<c>/v1/services/{agents}/v1/agents/...</c>) with the
/// signed-in tenant key. Routes the service does not have answer null (the page says so) rather than an invented answer.
/// </summary>
internal sealed class AgentsClient(GatewayClient gateway)
{
    /// <summary>
    /// The registered service of kind <c>agents</c> the key may use, from <c>GET /v1/services</c>; null when there is none.
    /// A gateway without that route is asked for the service named <c>agents</c> directly.
    /// </summary>
    public async Task<string?> FindServiceAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var services = TenantService.ListFrom(await gateway.GetJsonAsync("v1/services", key, cancellationToken));
            return services.FirstOrDefault(s => s.Kind == ServiceKinds.Agents && s.State == "ready")?.Name
                ?? services.FirstOrDefault(s => s.Kind == ServiceKinds.Agents)?.Name;
        }
        catch (GatewayException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            using var metadata = await gateway.SendAsync(HttpMethod.Get, "v1/services/agents/v1/metadata", key, null, cancellationToken);
            return metadata.IsSuccessStatusCode ? "agents" : null;
        }
    }

    public async Task<IReadOnlyList<AgentSummary>> ListAgentsAsync(string service, string key, CancellationToken cancellationToken) =>
        (await gateway.GetJsonAsync(Path(service, ""), key, cancellationToken))?["agents"].Deserialize<List<AgentSummary>>(NexusJson.Options) ?? [];

    /// <summary>Starts a run (202 at once); its id.</summary>
    public async Task<string> StartRunAsync(string service, string key, StartRun request, CancellationToken cancellationToken)
    {
        var run = await gateway.SendJsonAsync(HttpMethod.Post, Path(service, "/runs"), key, request, cancellationToken);
        return run?["id"]?.GetValue<string>() ?? throw new GatewayException(HttpStatusCode.BadGateway, "The agents service answered without a run id.");
    }

    public async Task<RunSummary> GetRunAsync(string service, string key, string id, CancellationToken cancellationToken) =>
        (await gateway.GetJsonAsync(Path(service, $"/runs/{Uri.EscapeDataString(id)}"), key, cancellationToken)).Deserialize<RunSummary>(NexusJson.Options)!;

    /// <summary>The caller tenant's runs, newest first; null when the service has no <c>GET /v1/agents/runs</c>.</summary>
    public async Task<IReadOnlyList<RunSummary>?> ListRunsAsync(string service, string key, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await gateway.GetJsonAsync(Path(service, "/runs?limit=20"), key, cancellationToken);
            // A page of runs, as a list under 'runs' or 'data', or the bare list.
            var list = answer is JsonArray ? answer : answer?["runs"] ?? answer?["data"];
            return list.Deserialize<List<RunSummary>>(NexusJson.Options) ?? [];
        }
        catch (GatewayException ex) when (ex.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return null;
        }
    }

    /// <summary>The calls waiting for a human, of the caller's tenant where the service scopes them.</summary>
    public async Task<IReadOnlyList<PendingApproval>> ListApprovalsAsync(string service, string key, CancellationToken cancellationToken) =>
        (await gateway.GetJsonAsync(Path(service, "/approvals"), key, cancellationToken))?["approvals"].Deserialize<List<PendingApproval>>(NexusJson.Options) ?? [];

    /// <summary>Approves or rejects a pending call; the service's refusal comes back as a <see cref="GatewayException"/> in its own words.</summary>
    public Task DecideAsync(string service, string key, string approval, bool approved, string? reason, CancellationToken cancellationToken) =>
        gateway.SendJsonAsync(HttpMethod.Post, Path(service, $"/approvals/{Uri.EscapeDataString(approval)}"), key, new { approved, reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, cancellationToken);

    /// <summary>A run's events as they happen: every event so far first, then each new one, until the run's stream ends.</summary>
    public async IAsyncEnumerable<RunEventView> FollowAsync(string service, string key, string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await gateway.SendAsync(HttpMethod.Get, Path(service, $"/runs/{Uri.EscapeDataString(id)}/events"), key, null, cancellationToken, stream: true);
        if (!response.IsSuccessStatusCode) throw await GatewayException.FromAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            if (JsonSerializer.Deserialize<RunEventView>(item.Data, NexusJson.Options) is { } view) yield return view;
        }
    }

    private static string Path(string service, string rest) => $"v1/services/{Uri.EscapeDataString(service)}/v1/agents{rest}";
}

internal sealed record AgentSummary(string Name, string Model, string? Description, IReadOnlyList<string>? Tools, IReadOnlyList<string>? SubAgents, bool Adversary, bool Supplicant);

internal sealed record StartRun(string Agent, string Input, string User, string Workspace);

internal sealed record RunSummary(string Id, string Agent, string State, string? Reason, string? Output, IReadOnlyList<string>? PendingApprovals, DateTimeOffset? CreatedAt);

internal sealed record PendingApproval(string Id, string RunId, string Agent, string Tool, JsonElement Arguments, string? Reason, string? User, string? Workspace, DateTimeOffset CreatedAt);

/// <summary>One event of a run, as its SSE stream carries it.</summary>
internal sealed record RunEventView(long Sequence, string Type, string Agent, JsonElement Data, DateTimeOffset At);
