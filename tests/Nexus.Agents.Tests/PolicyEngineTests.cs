using Microsoft.Extensions.AI;
using Nexus.Agents.Policy;
using Nexus.Agents.Specs;
using Nexus.Agents.Tools;
using Nexus.Contract;

namespace Nexus.Agents.Tests;

public sealed class PolicyEngineTests
{
    private static readonly ToolRules Rules = new()
    {
        Allow = ["files.*", "speech.speak", "platform.*"],
        Deny = ["files.format"],
        Approve = ["speech.*"],
        Grants = [new ToolGrant { Tool = "files.delete", Arguments = new() { ["path"] = "data/run-1/*" } }],
    };

    [Theory]
    [InlineData("files.read", null, PolicyOutcome.Allow)]
    [InlineData("files.format", null, PolicyOutcome.Deny)]
    [InlineData("shell.exec", null, PolicyOutcome.Deny)]
    [InlineData("speech.speak", null, PolicyOutcome.NeedsApproval)]
    [InlineData("files.delete", "data/run-1/old.txt", PolicyOutcome.Allow)]
    [InlineData("files.delete", "data/run-2/old.txt", PolicyOutcome.NeedsApproval)]
    [InlineData("files.delete", "data/run-1/../../etc/passwd", PolicyOutcome.NeedsApproval)]
    [InlineData("files.delete", null, PolicyOutcome.NeedsApproval)]
    public void Decide_FromGlobsAnnotationsAndArguments(string tool, string? path, PolicyOutcome expected)
    {
        var destructive = tool == "files.delete" ? new FunctionAnnotations { Destructive = true } : null;
        var arguments = path is null ? [] : new Dictionary<string, object?> { ["path"] = path };

        PolicyEngine.Decide(Rules, Tool(tool, destructive), arguments).Outcome.ShouldBe(expected);
    }

    [Fact]
    public void Decide_GrantForOneTool_NeverCoversAnotherToolWithTheSameArguments()
    {
        var arguments = new Dictionary<string, object?> { ["path"] = "data/run-1/x" };

        PolicyEngine.Decide(Rules, Tool("files.wipe", new FunctionAnnotations { Destructive = true }), arguments).Outcome.ShouldBe(PolicyOutcome.NeedsApproval);
    }

    [Fact]
    public void Decide_DeniedCall_SaysWhy()
    {
        var decision = PolicyEngine.Decide(Rules, Tool("files.format", null), []);

        decision.Reason.ShouldContain("tools.deny 'files.format'");
    }

    [Theory]
    [InlineData("*", "anything.at-all", true)]
    [InlineData("speech.*", "speech.speak", true)]
    [InlineData("speech.*", "speechx.speak", false)]
    [InlineData("platform.list_?odels", "platform.list_models", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    public void Glob_Matches(string pattern, string text, bool expected) => Glob.Matches(pattern, text).ShouldBe(expected);

    private static BusTool Tool(string name, FunctionAnnotations? annotations) =>
        new(name, annotations, AIFunctionFactory.Create(() => "ok", ToolNames.ForModel(name)));
}
