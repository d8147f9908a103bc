using Nexus.Agents.Specs;

namespace Nexus.Agents.Tests;

public sealed class SpecParserTests
{
    [Fact]
    public void Parse_FullSpec_ReadsEveryField()
    {
        var result = SpecParser.Parse("""
            name: researcher
            instructions: Find things out.
            model: llama3.2
            tools:
              allow: ["speech.*", "platform.list_*"]
              approve: ["speech.speak"]
              grants:
                - tool: files.delete
                  arguments: { path: "data/run-1/*" }
            budgets: { tokens: 5000, toolCalls: 7, spawnDepth: 3 }
            agents: [helper]
            adversary: { enabled: true, rounds: 2, tools: ["platform.*"] }
            supplicant: { enabled: true }
            """);

        result.Errors.ShouldBeEmpty();
        var spec = result.Spec!;
        spec.Tools.Allow.ShouldBe(["speech.*", "platform.list_*"]);
        spec.Tools.Grants.Single().Arguments["path"].ShouldBe("data/run-1/*");
        spec.Budgets.Tokens.ShouldBe(5000);
        spec.Budgets.ToolCalls.ShouldBe(7);
        spec.Adversary.Rounds.ShouldBe(2);
        spec.Supplicant.Enabled.ShouldBeTrue();
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOneNamingItsField()
    {
        var result = SpecParser.Parse("""
            name: Bad Name
            model: agent:other
            colour: blue
            tools:
              allow: ["ok.*", "not a glob"]
              grants:
                - tool: "files.*"
                  arguments: {}
            budgets: { tokens: 0, spawnDepth: 20, colour: red }
            adversary: { rounds: 0 }
            """);

        result.IsValid.ShouldBeFalse();
        var fields = result.Errors.Select(e => e.Split(':')[0]).ToList();
        fields.ShouldBe(["colour", "budgets.colour", "name", "instructions", "model", "tools.allow[1]", "tools.grants[0].tool", "tools.grants[0].arguments", "budgets.tokens", "budgets.spawnDepth", "adversary.rounds"], ignoreOrder: true);
    }

    [Fact]
    public void Parse_WrongType_NamesTheField()
    {
        var result = SpecParser.Parse("name: a\ninstructions: x\nmodel: m\nbudgets:\n  tokens: lots\n");

        result.IsValid.ShouldBeFalse();
        result.Errors.ShouldContain(e => e.StartsWith("budgets.tokens:", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NotYaml_IsOneClearError()
    {
        var result = SpecParser.Parse("name: [unclosed");

        result.Errors.Single().ShouldStartWith("yaml:");
    }
}
