using System.Text.Json;
using Microsoft.Extensions.AI;
using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;
using Nexus.Agents.Specs;

namespace Nexus.Agents.Apis.Mcp;

/// <summary>
/// One agent as an MCP tool, <c>agent.&lt;name&gt;</c>, with the agent's description: input <c>{input, user, workspace,
/// conversationId}</c>; a call runs the agent to its end (or its pause) and answers with the output, or with the state it
/// stopped in (waiting for approval, stopped, failed) as an error result the client can read.
/// </summary>
internal sealed class AgentTool(AgentSpec spec, AgentRunner runner, IHttpContextAccessor http) : AIFunction
{
    public const string Prefix = "agent.";

    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "input": { "type": "string", "description": "The task for the agent." },
            "user": { "type": "string", "description": "The user the run acts for; part of the memory scope." },
            "workspace": { "type": "string", "description": "The workspace; part of the memory scope (default 'default')." },
            "conversationId": { "type": "string", "description": "Continues this conversation's session; a new one when absent." }
          },
          "required": ["input", "user"],
          "additionalProperties": false
        }
        """).RootElement.Clone();

    public override string Name => Prefix + spec.Name;

    public override string Description => spec.Description ?? $"Runs the agent '{spec.Name}'.";

    public override JsonElement JsonSchema => Schema;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var input = Text(arguments, "input");
        if (string.IsNullOrWhiteSpace(input)) throw new AgentToolException("'input' is required.");
        // The tenant the gateway attests on this request, else the agents' own (a direct MCP client on the private network).
        var tenant = http.HttpContext is { } context ? CallerTenant.From(context).Id : null;
        var scope = new MemoryScope(tenant, Text(arguments, "user"), Text(arguments, "workspace") ?? "default");
        try
        {
            var (run, completion) = await runner.StartAsync(new RunRequest(spec.Name, scope, [new ChatMessage(ChatRole.User, input)], Text(arguments, "conversationId")), cancellationToken);
            await completion.WaitAsync(cancellationToken);
            if (run.State == RunStates.Completed) return run.Output ?? "";
            var pending = run.PendingApprovals.Count > 0 ? $" Pending approvals: {string.Join(", ", run.PendingApprovals)} (POST /v1/agents/approvals/{{id}})." : "";
            throw new AgentToolException($"The run {run.Id} is {run.State}: {run.Reason}{pending}");
        }
        catch (MissingScopeException ex)
        {
            throw new AgentToolException(ex.Message);
        }
        catch (RunRequestException ex)
        {
            throw new AgentToolException(ex.Message);
        }
    }

    private static string? Text(AIFunctionArguments arguments, string name) =>
        arguments.TryGetValue(name, out var value) ? value switch
        {
            null => null,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            JsonElement element => element.GetRawText(),
            _ => value.ToString(),
        } : null;
}

/// <summary>A run that did not produce an output: the MCP result is an error whose text says why.</summary>
internal sealed class AgentToolException(string message) : ModelContextProtocol.McpException(message);
