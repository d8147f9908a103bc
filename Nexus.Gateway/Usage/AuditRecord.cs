namespace Nexus.Gateway.Usage;

/// <summary>One request through the gateway, as the audit trail keeps it.</summary>
public sealed record AuditRecord
{
    /// <summary>Assigned by the store; 0 before it is written.</summary>
    public long Id { get; init; }

    public required DateTimeOffset At { get; init; }
    public string? TenantId { get; init; }
    public string? KeyId { get; init; }
    public required string Endpoint { get; init; }
    public string? Model { get; init; }
    public string? Instance { get; init; }
    public required int Status { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    public double LatencyMs { get; init; }
    public double OverheadMs { get; init; }
    public required string RequestId { get; init; }
    public string? TraceId { get; init; }
}

/// <summary>Filters and paging for audit queries: newest first, <see cref="Before"/> is the id to continue below.</summary>
public sealed record AuditQuery
{
    public string? TenantId { get; init; }
    public string? KeyId { get; init; }
    public string? Model { get; init; }
    public int? Status { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public long? Before { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>Usage totals grouped by tenant, key and model over a period.</summary>
public sealed record UsageQuery
{
    public string? TenantId { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
}

public sealed record UsageRow(string TenantId, string KeyId, string Model, long Requests, long PromptTokens, long CompletionTokens);
