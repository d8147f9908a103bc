using Nexus.Agents.Specs;
using Nexus.Agents.Tools;

namespace Nexus.Agents.Policy;

public enum PolicyOutcome
{
    Allow,
    Deny,
    NeedsApproval,
}

/// <summary>A decision about one call, with the reason the model, the user and the audit see.</summary>
public sealed record PolicyDecision(PolicyOutcome Outcome, string Reason);

/// <summary>
/// Decides each call from the spec (allow, deny and approve globs, argument-scoped grants), the tool's descriptor
/// annotations and the arguments. A grant admits only calls whose named arguments all match it: it never widens into a
/// grant of the tool.
/// </summary>
public static class PolicyEngine
{
    /// <summary>Whether the tool is offered to the model at all.</summary>
    public static bool IsOffered(ToolRules rules, string tool) =>
        Glob.FirstMatch(rules.Allow, tool) is not null && Glob.FirstMatch(rules.Deny, tool) is null;

    /// <summary>Whether some call of the tool could need a human (so it is wrapped for approval).</summary>
    public static bool MayNeedApproval(ToolRules rules, BusTool tool) =>
        Glob.FirstMatch(rules.Approve, tool.Name) is not null || IsDestructive(tool);

    public static PolicyDecision Decide(ToolRules rules, BusTool tool, IEnumerable<KeyValuePair<string, object?>>? arguments)
    {
        if (Glob.FirstMatch(rules.Allow, tool.Name) is null) return new(PolicyOutcome.Deny, $"'{tool.Name}' is not in the agent's tools.allow.");
        if (Glob.FirstMatch(rules.Deny, tool.Name) is { } denied) return new(PolicyOutcome.Deny, $"'{tool.Name}' matches tools.deny '{denied}'.");
        if (CoveringGrant(rules, tool.Name, arguments) is { } grant)
        {
            return new(PolicyOutcome.Allow, $"granted for {string.Join(", ", grant.Arguments.Select(a => $"{a.Key}={a.Value}"))}.");
        }

        if (Glob.FirstMatch(rules.Approve, tool.Name) is { } approve) return new(PolicyOutcome.NeedsApproval, $"'{tool.Name}' matches tools.approve '{approve}'.");
        if (IsDestructive(tool)) return new(PolicyOutcome.NeedsApproval, $"'{tool.Name}' is declared destructive by its service.");
        return new(PolicyOutcome.Allow, tool.Annotations?.ReadOnly == true ? "read-only tool in tools.allow." : "in tools.allow.");
    }

    /// <summary>The grant that admits exactly this call: same tool, and every argument it names present as a matching string.</summary>
    public static ToolGrant? CoveringGrant(ToolRules rules, string tool, IEnumerable<KeyValuePair<string, object?>>? arguments)
    {
        var given = (arguments ?? []).ToDictionary(a => a.Key, a => ToolArguments.StringOf(a.Value), StringComparer.Ordinal);
        foreach (var grant in rules.Grants)
        {
            if (!string.Equals(grant.Tool, tool, StringComparison.Ordinal) || grant.Arguments.Count == 0) continue;
            if (grant.Arguments.All(a => given.TryGetValue(a.Key, out var value) && value is not null && !HasTraversal(value) && Glob.Matches(a.Value, value))) return grant;
        }

        return null;
    }

    private static bool IsDestructive(BusTool tool) => tool.Annotations is { ReadOnly: not true, Destructive: true };

    // "data/run-1/../../etc" matches "data/run-1/*" as text; a grant over paths must not reach outside its folder.
    private static bool HasTraversal(string value) =>
        value.Split('/', '\\').Any(segment => segment == "..");
}
