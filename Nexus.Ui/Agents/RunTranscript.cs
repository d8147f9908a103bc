using System.Text.Json;

namespace Nexus.Ui.Agents;

/// <summary>
/// A run's events sorted into the three voices the page shows side by side: the primary (its text, tool calls and
/// results, policy decisions, approvals, sub-agents, budget), the Adversary (verdicts and findings) and the Supplicant
/// (notes); plus the run's state and the approvals still waiting.
/// </summary>
internal sealed class RunTranscript
{
    private readonly Dictionary<string, RunEventView> _pending = new(StringComparer.Ordinal);
    private long _last;

    public List<RunEventView> Primary { get; } = [];
    public List<RunEventView> Adversary { get; } = [];
    public List<RunEventView> Supplicant { get; } = [];
    public string State { get; private set; } = "running";
    public string? StateReason { get; private set; }

    /// <summary>The approval requests not decided yet, oldest first.</summary>
    public IEnumerable<RunEventView> PendingApprovals => _pending.Values.OrderBy(e => e.Sequence);

    /// <summary>Adds an event; one seen already (a reconnect replays from the start) is ignored.</summary>
    public bool Add(RunEventView item)
    {
        if (item.Sequence <= _last) return false;
        _last = item.Sequence;
        switch (item.Type)
        {
            case "adversary_verdict":
                Adversary.Add(item);
                return true;
            case "supplicant_notes":
                Supplicant.Add(item);
                return true;
            case "state":
                State = Text(item.Data, "state") ?? State;
                StateReason = Text(item.Data, "reason");
                break;
            case "approval_requested" when Text(item.Data, "approval") is { } id:
                _pending[id] = item;
                break;
            case "approval_given" when Text(item.Data, "approval") is { } id:
                _pending.Remove(id);
                break;
        }

        Primary.Add(item);
        return true;
    }

    public bool IsFinished => State is "completed" or "stopped" or "failed" or "cancelled";

    public static string? Text(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    public static string Pretty(JsonElement value) =>
        value.ValueKind == JsonValueKind.Undefined ? "" : JsonSerializer.Serialize(value, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
