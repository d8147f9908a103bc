using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Nexus.Agents.Policy;
using Nexus.Agents.Runtime;
using Nexus.Agents.Specs;
using Nexus.Agents.Tools;

namespace Nexus.Agents.Partners;

/// <summary>
/// The primary's partners after it has a result. The Supplicant's notes go to the primary, which must answer each; then
/// the Adversary reviews: a structured verdict (<c>RunAsync&lt;T&gt;</c>) on every draft, the last one included, at most
/// <c>rounds</c> reviews. The runtime, not a prompt, decides: only an <c>approve</c> verdict with no findings approves,
/// and a missing or unreadable verdict counts as not approved.
/// </summary>
internal sealed class Partnership(AgentAssembly assembly)
{
    private const string AdversaryInstructions =
        "You are the Adversary: a productively critical reviewer. Check the draft against the task with evidence: run the tools you have " +
        "(tests, schema checks, lookups) rather than trusting the draft. Answer 'approve' only when the draft is right and complete; " +
        "otherwise 'revise' with findings that say where and why, citing what the tools showed.";

    private const string SupplicantInstructions =
        "You are the Supplicant: you speak for the human users on simplicity, ease of use, functional control and power, aesthetics and ethics. " +
        "You see the task and the result. You may only request, inform or question; you cannot approve, veto, call tools, end the run or change the plan.";

    public async Task<string> ConsultAsync(AgentRun run, AgentSpec spec, AgentBinding primary, AgentSession session, string task, string draft, RunBudget budget, CancellationToken cancellationToken)
    {
        if (spec.Supplicant.Enabled) draft = await SupplicantAsync(run, spec, primary, session, task, draft, budget, cancellationToken);
        if (spec.Adversary.Enabled) draft = await AdversaryAsync(run, spec, primary, session, task, draft, budget, cancellationToken);
        return draft;
    }

    private async Task<string> SupplicantAsync(AgentRun run, AgentSpec spec, AgentBinding primary, AgentSession session, string task, string draft, RunBudget budget, CancellationToken cancellationToken)
    {
        var supplicant = assembly.Build(spec, AgentRole.Supplicant, run, new BudgetSlot(budget), 0, new ToolRules(), spec.Supplicant.Model, spec.Supplicant.Instructions ?? SupplicantInstructions);
        var notes = await NotesAsync(supplicant, $"Task:\n{task}\n\nResult:\n{draft}", cancellationToken);
        run.Emit("supplicant_notes", "supplicant", new { notes });
        if (notes.Count == 0) return draft;

        var numbered = string.Join("\n", notes.Select((n, i) => $"{i + 1}. ({n.Kind}) {n.Text}"));
        var answer = await PrimaryTurnAsync(run, spec, primary, session,
            $"The users' advocate raised these notes. Answer each one by its number, then give your result again, revised where you agree:\n{numbered}",
            cancellationToken);
        run.Emit("text", spec.Name, new { text = answer.Text, answering = "supplicant" });
        return answer.Text;
    }

    // Everything but a request, an information or a question is dropped, and so is any content other than the notes:
    // the Supplicant's answer carries no tool call, no approval and no verdict into the run.
    private static async Task<IReadOnlyList<SupplicantNote>> NotesAsync(AgentBinding supplicant, string prompt, CancellationToken cancellationToken)
    {
        try
        {
            var response = await supplicant.Agent.RunAsync<SupplicantNotes>(prompt, null, AIJsonUtilities.DefaultOptions, null, cancellationToken);
            return [.. (response.Result?.Notes ?? []).Where(n => n is not null && SupplicantNotes.Kinds.Contains(n.Kind) && !string.IsNullOrWhiteSpace(n.Text))];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private async Task<string> AdversaryAsync(AgentRun run, AgentSpec spec, AgentBinding primary, AgentSession session, string task, string draft, RunBudget budget, CancellationToken cancellationToken)
    {
        var adversary = BuildAdversary(run, spec, budget);
        for (var round = 1; ; round++)
        {
            var verdict = await VerdictAsync(adversary, $"Task:\n{task}\n\nDraft (round {round}):\n{draft}", cancellationToken);
            var approved = verdict?.Approves == true;
            run.Emit("adversary_verdict", "adversary", new { round, verdict = verdict?.Verdict ?? "none", approved, findings = verdict?.Findings ?? [] });
            if (approved) return draft;
            if (round >= spec.Adversary.Rounds)
            {
                run.Emit("adversary_verdict", "runtime", new { round, approved = false, final = true, reason = verdict is null ? "The Adversary gave no verdict on the last draft: not approved." : "The last draft was not approved within the rounds." });
                return draft;
            }

            var findings = verdict is null || verdict.Findings.Count == 0
                ? "The reviewer did not approve and gave no readable findings; check your result against the task and revise."
                : string.Join("\n", verdict.Findings.Select((f, i) => $"{i + 1}. {f.Where}: {f.Why}"));
            var revised = await PrimaryTurnAsync(run, spec, primary, session, $"A reviewer asks for revisions:\n{findings}\nRevise your result and give it in full.", cancellationToken);
            run.Emit("text", spec.Name, new { text = revised.Text, answering = "adversary", round });
            draft = revised.Text;
        }
    }

    /// <summary>
    /// A turn of the primary while its partners are consulted. Tool calls that wait for approval are settled by the policy
    /// here (a grant admits, a denial refuses); one that needs a human is refused with the reason, because the rounds cannot
    /// pause for one: the primary can say in its answer what it would need approved.
    /// </summary>
    private static async Task<AgentResponse> PrimaryTurnAsync(AgentRun run, AgentSpec spec, AgentBinding primary, AgentSession session, string prompt, CancellationToken cancellationToken)
    {
        var response = await primary.Agent.RunAsync(prompt, session, null, cancellationToken);
        for (var settled = 0; settled < spec.Budgets.ToolCalls + 1; settled++)
        {
            var requests = response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().ToList();
            if (requests.Count == 0) break;
            var answers = new List<AIContent>();
            foreach (var request in requests)
            {
                var call = (FunctionCallContent)request.ToolCall;
                var name = ToolNames.FromModel(call.Name);
                var decision = primary.Tools.TryGetValue(name, out var tool)
                    ? PolicyEngine.Decide(spec.Tools, tool, call.Arguments)
                    : new PolicyDecision(PolicyOutcome.Deny, $"'{name}' is not a tool of this agent.");
                var allowed = decision.Outcome == PolicyOutcome.Allow;
                var reason = decision.Outcome == PolicyOutcome.NeedsApproval
                    ? $"{decision.Reason} A human's approval cannot be waited for while the result is reviewed; say in your answer what you would need approved."
                    : decision.Reason;
                run.Emit("policy", spec.Name, new { tool = name, decision = (allowed ? PolicyOutcome.Allow : PolicyOutcome.Deny).ToString(), reason });
                answers.Add(request.CreateResponse(allowed, reason));
            }

            response = await primary.Agent.RunAsync([new ChatMessage(ChatRole.User, answers)], session, null, cancellationToken);
        }

        return response;
    }

    /// <summary>The Adversary of a run: its own model and instructions when the spec gives them, only the tools <c>adversary.tools</c> allows.</summary>
    internal AgentBinding BuildAdversary(AgentRun run, AgentSpec spec, RunBudget budget)
    {
        // The spec's denials, approvals and argument-scoped grants bind the Adversary as they bind the primary; it cannot wait
        // for a human, so a call that would need one is refused unless a grant covers it (running the tests, say).
        var rules = new ToolRules { Allow = spec.Adversary.Tools, Deny = spec.Tools.Deny, Approve = spec.Tools.Approve, Grants = spec.Tools.Grants };
        return assembly.Build(spec, AgentRole.Adversary, run, new BudgetSlot(budget), 0, rules, spec.Adversary.Model, spec.Adversary.Instructions ?? AdversaryInstructions);
    }

    /// <summary>The Adversary's verdict, or null when it gave none that can be read (which never counts as approval).</summary>
    internal static async Task<AdversaryVerdict?> VerdictAsync(AgentBinding adversary, string prompt, CancellationToken cancellationToken)
    {
        try
        {
            var response = await adversary.Agent.RunAsync<AdversaryVerdict>(prompt, null, AIJsonUtilities.DefaultOptions, null, cancellationToken);
            return response.Result is { Verdict: not null, Findings: not null } verdict ? verdict : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
