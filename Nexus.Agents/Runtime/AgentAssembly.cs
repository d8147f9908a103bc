using System.ComponentModel;
using System.Net.Http.Headers;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Nexus.Agents.Memory;
using Nexus.Agents.Policy;
using Nexus.Agents.Specs;
using Nexus.Agents.Tools;

namespace Nexus.Agents.Runtime;

/// <summary>An agent object of a run with what its middleware reads.</summary>
internal sealed record AgentBinding(AIAgent Agent, AgentSpec Spec, AgentRole Role, BudgetSlot Slot, IReadOnlyDictionary<string, BusTool> Tools);

/// <summary>
/// Builds the framework's agents for a run: a <see cref="ChatClientAgent"/> over the gateway's chat client (through the
/// budget), the tools its spec allows (approval-bound ones as <see cref="ApprovalRequiredAIFunction"/>), declared
/// sub-agents as tools (<c>AsAIFunction</c>), scoped recall as an <see cref="AIContextProvider"/>, and one function
/// middleware (<c>AIAgentBuilder.Use</c>) that applies the policy, the budget, loop detection and the role check to every
/// invocation.
/// </summary>
internal sealed partial class AgentAssembly(
    SpecCatalog catalog,
    ToolBus bus,
    IAgentChatClients clients,
    IHttpClientFactory http,
    BlobStore blobs,
    IAgentStore store,
    IOptions<AgentsOptions> options,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<AgentAssembly> logger)
{
    public const string AgentToolPrefix = "agent.";
    public const string GatewayClientName = "gateway";
    public const string SupplicantRefusal = "The Supplicant may only request, inform and question: it cannot call tools.";

    public AgentBinding Build(AgentSpec spec, AgentRole role, AgentRun run, BudgetSlot slot, int maxDepth, ToolRules? rules = null, string? model = null, string? instructions = null, int depth = 0)
    {
        rules ??= spec.Tools;
        var key = options.Value.KeyFor(spec.Name);
        var call = new ToolCallContext(() => GatewayClient(key), blobs, options.Value.MaxToolResultCharacters, blob => run.Emit("blob", spec.Name, blob), run.Id);
        var tools = new Dictionary<string, BusTool>(StringComparer.Ordinal);
        var subAgents = new Dictionary<string, (AgentSpec Spec, BudgetSlot Slot)>(StringComparer.Ordinal);
        var offered = new List<AITool>();
        var refused = new List<AITool>();

        // The Supplicant is given no tools at all. A call it makes anyway meets the role check: every bus tool stands in as
        // a refusal, and the middleware below refuses any other invocation.
        if (role == AgentRole.Supplicant)
        {
            foreach (var tool in bus.Tools(call))
            {
                refused.Add(new RefusedFunction(tool, SupplicantRefusal, reason => Refuse(run, spec, tool.Name, new { role = "supplicant" }, reason)));
            }
        }
        else
        {
            foreach (var tool in bus.Tools(call).Concat(MemoryTools(spec, run, key)))
            {
                if (!PolicyEngine.IsOffered(rules, tool.Name))
                {
                    refused.Add(new RefusedFunction(tool, PolicyEngine.Decide(rules, tool, null).Reason, reason => Refuse(run, spec, tool.Name, new { }, reason)));
                    continue;
                }

                tools[tool.Name] = tool;
                // Only the primary can wait for a human; for the others such a call is refused by the middleware.
                offered.Add(role == AgentRole.Primary && PolicyEngine.MayNeedApproval(rules, tool) ? new ApprovalRequiredAIFunction(tool.Function) : tool.Function);
            }

            if (role is AgentRole.Primary or AgentRole.SubAgent && depth < maxDepth)
            {
                foreach (var name in spec.Agents)
                {
                    if (catalog.Find(name) is not { } childSpec) continue;
                    var childSlot = new BudgetSlot(slot.Current);
                    var child = Build(childSpec, AgentRole.SubAgent, run, childSlot, maxDepth, depth: depth + 1);
                    subAgents[AgentToolPrefix + name] = (childSpec, childSlot);
                    offered.Add(child.Agent.AsAIFunction(new AIFunctionFactoryOptions
                    {
                        Name = ToolNames.ForModel(AgentToolPrefix + name),
                        Description = $"Runs the agent '{name}' on a task and returns its answer. {childSpec.Description}",
                    }));
                }
            }
        }

        // The function invocation is ours so that a call of a tool the agent was not given reaches a refusal that says why
        // (and is audited) instead of "function not found"; the refused tools are invocable, never advertised.
        var chat = new BudgetedChatClient(clients.CreateChatClient(model ?? spec.Model, key), slot, run, spec.Name)
            .AsBuilder()
            .UseFunctionInvocation(loggers, f => f.AdditionalTools = refused)
            .Build();
        var contextProviders = new List<AIContextProvider>();
        if (spec.Memory.LongTerm && role == AgentRole.Primary)
        {
            contextProviders.Add(new RecallProvider(new SemanticMemory(store, clients.CreateEmbeddings(spec.Memory.EmbeddingModel, key), run.Scope), spec.Memory.Recall));
        }

        var agent = new ChatClientAgent(chat, new ChatClientAgentOptions
        {
            Id = $"{spec.Name}-{role}".ToLowerInvariant(),
            Name = spec.Name,
            Description = spec.Description,
            ChatOptions = new ChatOptions { Instructions = instructions ?? spec.Instructions, Tools = offered },
            AIContextProviders = contextProviders,
        }, loggers);

        var builder = agent.AsBuilder()
            .Use((inner, context, next, cancellationToken) => InvokeAsync(spec, role, rules, run, slot, tools, subAgents, context, next, cancellationToken));
        if (role == AgentRole.Supplicant) builder = builder.Use(StripSupplicantAsync, null);
        var guarded = builder.Build();
        return new AgentBinding(guarded, spec, role, slot, tools);
    }

    private async ValueTask<object?> InvokeAsync(
        AgentSpec spec, AgentRole role, ToolRules rules, AgentRun run, BudgetSlot slot,
        Dictionary<string, BusTool> tools, Dictionary<string, (AgentSpec Spec, BudgetSlot Slot)> subAgents,
        FunctionInvocationContext context, Func<FunctionInvocationContext, CancellationToken, ValueTask<object?>> next, CancellationToken cancellationToken)
    {
        var name = ToolNames.FromModel(context.Function.Name);
        var arguments = ToolArguments.ToJson(context.Arguments);
        if (role == AgentRole.Supplicant)
        {
            return Refuse(run, spec, name, arguments, SupplicantRefusal);
        }

        if (run.StopRequested is not null)
        {
            context.Terminate = true;
            return $"The run is stopping: {run.StopRequested}";
        }

        var budget = slot.Current;
        if (!budget.TryTakeToolCall())
        {
            run.RequestStop($"Tool-call budget spent at depth {budget.Depth}.");
            context.Terminate = true;
            return $"Not called: {run.StopRequested}";
        }

        if (run.CountCall(ToolArguments.Canonical(name, context.Arguments)) + 1 >= budget.RepeatedCalls)
        {
            run.RequestStop($"Loop detected: '{name}' was called {budget.RepeatedCalls} times with identical arguments.");
            context.Terminate = true;
            return $"Not called: {run.StopRequested}";
        }

        if (subAgents.TryGetValue(name, out var child))
        {
            if (budget.TrySpawn(child.Spec.Budgets, time.GetUtcNow()) is not { } childBudget)
            {
                return Refuse(run, spec, name, arguments, $"Spawning '{child.Spec.Name}' is refused: the spawn depth or count of the run is spent.");
            }

            child.Slot.Current = childBudget;
            run.Emit("subagent", spec.Name, new { agent = child.Spec.Name, phase = "started", depth = childBudget.Depth, tokens = childBudget.TokensLeft, toolCalls = childBudget.ToolCallsLeft });
            var answer = await next(context, cancellationToken);
            run.Emit("subagent", spec.Name, new { agent = child.Spec.Name, phase = "finished", tokensUsed = childBudget.TokensUsed, toolCallsUsed = childBudget.ToolCallsUsed });
            return answer;
        }

        if (!tools.TryGetValue(name, out var tool)) return Refuse(run, spec, name, arguments, $"'{name}' is not a tool of this agent.");
        var decision = PolicyEngine.Decide(rules, tool, context.Arguments);
        if (decision.Outcome == PolicyOutcome.Deny) return Refuse(run, spec, name, arguments, decision.Reason);
        if (decision.Outcome == PolicyOutcome.NeedsApproval && role != AgentRole.Primary)
        {
            return Refuse(run, spec, name, arguments, $"{decision.Reason} Only the primary agent can wait for a human's approval.");
        }

        run.Emit("policy", spec.Name, new { tool = name, decision = decision.Outcome.ToString(), reason = decision.Reason });
        run.Emit("tool_call", spec.Name, new { tool = name, arguments });
        var result = await next(context, cancellationToken);
        run.Emit("tool_result", spec.Name, new { tool = name, result = Preview(result) });
        return result;
    }

    // What the Supplicant produces keeps its words only: no tool call, no approval request or response survives it.
    private static async Task<AgentResponse> StripSupplicantAsync(IEnumerable<ChatMessage> messages, AgentSession? session, AgentRunOptions? options, AIAgent inner, CancellationToken cancellationToken)
    {
        var response = await inner.RunAsync(messages, session, options, cancellationToken);
        foreach (var message in response.Messages)
        {
            message.Contents = [.. message.Contents.Where(c => c is not (ToolApprovalRequestContent or ToolApprovalResponseContent or FunctionCallContent or FunctionResultContent))];
        }

        return response;
    }

    private string Refuse(AgentRun run, AgentSpec spec, string tool, object arguments, string reason)
    {
        run.Emit("policy", spec.Name, new { tool, arguments, decision = PolicyOutcome.Deny.ToString(), reason });
        LogDenied(logger, run.Id, spec.Name, tool, reason);
        return $"Denied by policy: {reason}";
    }

    private static string Preview(object? result)
    {
        var text = result switch
        {
            null => "",
            string s => s,
            _ => System.Text.Json.JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
        };
        return text.Length <= 2000 ? text : text[..2000] + "...";
    }

    private IEnumerable<BusTool> MemoryTools(AgentSpec spec, AgentRun run, string key)
    {
        if (!spec.Memory.LongTerm) yield break;
        var memory = new SemanticMemory(store, clients.CreateEmbeddings(spec.Memory.EmbeddingModel, key), run.Scope);
        yield return new BusTool("memory.remember", new Contract.FunctionAnnotations { ReadOnly = false, Destructive = false },
            AIFunctionFactory.Create(
                async ([Description("What to remember, one fact per call.")] string text, CancellationToken ct) => new { remembered = await memory.RememberAsync(text, ct) },
                new AIFunctionFactoryOptions { Name = ToolNames.ForModel("memory.remember"), Description = "Stores a fact in the long-term memory of this user and workspace." }));
        yield return new BusTool("memory.recall", new Contract.FunctionAnnotations { ReadOnly = true },
            AIFunctionFactory.Create(
                async ([Description("What to look for.")] string query, CancellationToken ct) => (await memory.RecallAsync(query, spec.Memory.Recall, ct)).Select(r => new { r.Memory.Text, score = Math.Round(r.Score, 3) }).ToList(),
                new AIFunctionFactoryOptions { Name = ToolNames.ForModel("memory.recall"), Description = "Finds the memories of this user and workspace closest in meaning to a query." }));
    }

    private HttpClient GatewayClient(string key)
    {
        var client = http.CreateClient(GatewayClientName);
        client.BaseAddress = new Uri((options.Value.GatewayUrl ?? "http://gateway.invalid").TrimEnd('/') + "/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Run {RunId}: agent {Agent} was refused {Tool}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string runId, string agent, string tool, string reason);
}
