using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Nexus.Agents.Policy;
using Nexus.Agents.Runtime;
using Nexus.Agents.Specs;
using Nexus.Agents.Tools;

namespace Nexus.Agents.Partners;

/// <summary>
/// The Adversary's checkpoints (<c>adversary.checkpoints</c>): after a call of a named tool, or after every N tool calls,
/// the Adversary reviews the work so far with its own tools, and its verdict is handed to the primary inside that call's
/// result, so the primary reads it before its next step. A function middleware of the primary (<c>AIAgentBuilder.Use</c>)
/// does it; calls the policy refused are not checkpoints. A checkpoint never ends the run: only the review of the result
/// decides whether it is approved.
/// </summary>
internal sealed class Checkpoints(Partnership partners)
{
    public AgentBinding Watch(AgentBinding primary, AgentSpec spec, AgentRun run, RunBudget budget, IReadOnlyList<ChatMessage> input)
    {
        var settings = spec.Adversary.Checkpoints;
        if (!spec.Adversary.Enabled || !settings.IsDeclared()) return primary;
        var task = string.Join("\n", input.Where(m => m.Role == ChatRole.User).Select(m => m.Text));
        var calls = 0;
        var reviews = 0;
        AgentBinding? adversary = null;
        var watched = primary.Agent.AsBuilder().Use(async (inner, context, next, cancellationToken) =>
        {
            var result = await next(context, cancellationToken);
            var tool = ToolNames.FromModel(context.Function.Name);
            if (result is string text && text.StartsWith("Denied by policy", StringComparison.Ordinal) || run.StopRequested is not null) return result;
            var count = Interlocked.Increment(ref calls);
            var reason = Glob.FirstMatch(settings.After, tool) is { } glob ? $"after {tool} (adversary.checkpoints.after '{glob}')"
                : settings.EveryToolCalls > 0 && count % settings.EveryToolCalls == 0 ? $"after {count} tool calls (adversary.checkpoints.everyToolCalls)"
                : null;
            if (reason is null) return result;

            adversary ??= partners.BuildAdversary(run, spec, budget);
            var review = Interlocked.Increment(ref reviews);
            var prompt = $"Task:\n{task}\n\nCheckpoint {review}, {reason}. The primary agent called {tool} with {ToolArguments.ToJson(context.Arguments).ToJsonString()} and got:\n{Preview(result)}\n\n" +
                "Review the work so far with your tools; say 'approve' when it is on track, 'revise' with findings otherwise.";
            var verdict = await Partnership.VerdictAsync(adversary, prompt, cancellationToken);
            var approved = verdict?.Approves == true;
            run.Emit("adversary_verdict", "adversary", new { checkpoint = review, reason, tool, verdict = verdict?.Verdict ?? "none", approved, findings = verdict?.Findings ?? [] });
            return new
            {
                result,
                adversaryCheckpoint = new
                {
                    reason,
                    verdict = verdict?.Verdict ?? "none",
                    approved,
                    findings = verdict?.Findings ?? [],
                    note = approved ? "The reviewer found nothing to change so far." : verdict is null
                        ? "The reviewer gave no readable verdict: treat the work as not yet approved and check it against the task."
                        : "The reviewer asks for these changes: address each finding before you continue.",
                },
            };
        }).Build();
        return primary with { Agent = watched };
    }

    private static string Preview(object? result)
    {
        var text = result switch
        {
            null => "",
            string s => s,
            _ => System.Text.Json.JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
        };
        return text.Length <= 6000 ? text : text[..6000] + "...";
    }
}
