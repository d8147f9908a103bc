using System.ComponentModel;

namespace Nexus.Agents.Partners;

/// <summary>Where a draft is wrong and why, with the evidence the Adversary found.</summary>
public sealed record Finding([property: Description("Where in the draft (a section, a line, a claim).")] string Where, [property: Description("Why it is wrong, with the evidence (a tool's output, a test).")] string Why);

/// <summary>The Adversary's structured verdict on a draft.</summary>
public sealed record AdversaryVerdict(
    [property: Description("'approve' when the draft is right and complete, 'revise' otherwise.")] string Verdict,
    [property: Description("What must change; empty when approving.")] IReadOnlyList<Finding> Findings)
{
    public bool Approves => string.Equals(Verdict, "approve", StringComparison.OrdinalIgnoreCase) && Findings.Count == 0;
}

/// <summary>
/// One note of the Supplicant. Its type has no field that could approve, veto, end the run or call a tool: the only
/// things it can say are a request, an information or a question.
/// </summary>
public sealed record SupplicantNote(
    [property: Description("'request', 'inform' or 'question'.")] string Kind,
    [property: Description("The note, for the user and the primary agent.")] string Text);

/// <summary>What the Supplicant says about a plan and its result.</summary>
public sealed record SupplicantNotes([property: Description("The notes; empty when there is nothing to say.")] IReadOnlyList<SupplicantNote> Notes)
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "request", "inform", "question" };
}
