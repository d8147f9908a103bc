using System.Text.Json;
using Microsoft.Extensions.AI;
using Nexus.Agents.Tools;

namespace Nexus.Agents.Runtime;

/// <summary>A bus tool the policy does not give the agent, standing in for it: every call is refused with the reason.</summary>
internal sealed class RefusedFunction(BusTool tool, string reason, Func<string, string> refuse) : AIFunction
{
    public override string Name => tool.Function.Name;

    public override string Description => tool.Function.Description;

    public override JsonElement JsonSchema => tool.Function.JsonSchema;

    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        ValueTask.FromResult<object?>(refuse(reason));
}
