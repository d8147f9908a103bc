using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Nexus.Agents.Runtime;

/// <summary>
/// Every model call of an agent passes here: it is refused when the run's tokens are spent, and what it used is spent
/// from the run's budget (and so from every ancestor's) afterwards.
/// </summary>
internal sealed class BudgetedChatClient(IChatClient inner, BudgetSlot slot, AgentRun run, string agent) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var budget = slot.Current;
        budget.EnsureTokens();
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        Spend(budget, response.Usage);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var budget = slot.Current;
        budget.EnsureTokens();
        var usage = new UsageDetails();
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            foreach (var content in update.Contents.OfType<UsageContent>()) usage.Add(content.Details);
            yield return update;
        }

        Spend(budget, usage);
    }

    private void Spend(RunBudget budget, UsageDetails? usage)
    {
        var tokens = usage?.TotalTokenCount ?? (usage?.InputTokenCount ?? 0) + (usage?.OutputTokenCount ?? 0);
        budget.SpendTokens(tokens);
        run.Emit("budget", agent, new { depth = budget.Depth, tokensUsed = tokens, tokensLeft = budget.TokensLeft, toolCallsLeft = budget.ToolCallsLeft });
    }
}

/// <summary>The budget an agent object spends from now: a sub-agent's is set at each spawn.</summary>
internal sealed class BudgetSlot(RunBudget budget)
{
    public RunBudget Current { get; set; } = budget;
}
