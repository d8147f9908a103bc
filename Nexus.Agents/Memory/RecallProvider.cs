using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Nexus.Agents.Memory;

/// <summary>Before each model call, the scope's memories closest to the user's last message join the instructions.</summary>
internal sealed class RecallProvider(SemanticMemory memory, int count) : AIContextProvider(null, null, null)
{
    protected override async ValueTask<AIContext> ProvideAIContextAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        var query = context.AIContext.Messages?.LastOrDefault(m => m.Role == ChatRole.User)?.Text;
        if (string.IsNullOrWhiteSpace(query)) return new AIContext();
        var recalled = await memory.RecallAsync(query, count, cancellationToken);
        if (recalled.Count == 0) return new AIContext();
        return new AIContext
        {
            Instructions = "Long-term memories of this user in this workspace, most relevant first:\n" + string.Join("\n", recalled.Select(r => "- " + r.Memory.Text)),
        };
    }
}
