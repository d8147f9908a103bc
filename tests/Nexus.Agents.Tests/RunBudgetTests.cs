using Nexus.Agents.Runtime;
using Nexus.Agents.Specs;

namespace Nexus.Agents.Tests;

public sealed class RunBudgetTests
{
    [Fact]
    public void Spawn_ThreeLevels_ChildrenNeverSpendMoreThanTheRootHasLeft()
    {
        var now = DateTimeOffset.UnixEpoch;
        var root = RunBudget.Root(new Budgets { Tokens = 1000, ToolCalls = 5, SpawnDepth = 3, SpawnCount = 3 }, now);
        var child = root.TrySpawn(new Budgets { Tokens = 800, ToolCalls = 10, SpawnDepth = 3 }, now)!;
        var grandchild = child.TrySpawn(new Budgets { Tokens = 5000, ToolCalls = 10, SpawnDepth = 3 }, now)!;

        grandchild.TokensLeft.ShouldBe(800);
        grandchild.ToolCallsLeft.ShouldBe(5);
        grandchild.SpendTokens(700);
        root.TokensLeft.ShouldBe(300);
        child.TokensLeft.ShouldBe(100);

        var greatGrandchild = grandchild.TrySpawn(new Budgets { Tokens = 5000, ToolCalls = 10, SpawnDepth = 3 }, now)!;
        greatGrandchild.TokensLeft.ShouldBe(100);
        greatGrandchild.SpendTokens(100);
        root.TokensLeft.ShouldBe(200);
        Should.Throw<RunStoppedException>(() => child.EnsureTokens());
        Should.Throw<RunStoppedException>(() => greatGrandchild.EnsureTokens());
    }

    [Fact]
    public void TryTakeToolCall_SharedAcrossLevels_StopsEveryLevelWhenTheRootIsSpent()
    {
        var now = DateTimeOffset.UnixEpoch;
        var root = RunBudget.Root(new Budgets { ToolCalls = 2, SpawnDepth = 2 }, now);
        var child = root.TrySpawn(new Budgets { ToolCalls = 50, SpawnDepth = 2 }, now)!;

        child.TryTakeToolCall().ShouldBeTrue();
        root.TryTakeToolCall().ShouldBeTrue();
        child.TryTakeToolCall().ShouldBeFalse();
        root.TryTakeToolCall().ShouldBeFalse();
    }

    [Fact]
    public void TrySpawn_DepthAndCount_AreBoundedAcrossNesting()
    {
        var now = DateTimeOffset.UnixEpoch;
        var root = RunBudget.Root(new Budgets { SpawnDepth = 2, SpawnCount = 2 }, now);
        var child = root.TrySpawn(new Budgets { SpawnDepth = 8, SpawnCount = 8 }, now)!;
        var grandchild = child.TrySpawn(new Budgets { SpawnDepth = 8, SpawnCount = 8 }, now)!;

        grandchild.TrySpawn(new Budgets(), now).ShouldBeNull(); // depth 2 is the root's limit
        root.TrySpawn(new Budgets(), now).ShouldBeNull(); // both spawns are used
    }
}
