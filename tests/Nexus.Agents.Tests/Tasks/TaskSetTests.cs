using Xunit.Abstractions;

namespace Nexus.Agents.Tests.Tasks;

/// <summary>
/// The offline task set through the real runtime and the real <c>dotnet test</c>, with the scripted model: the primary
/// alone keeps its known mistake; with the Adversary, which runs the tests and reports the failures, the same primary
/// fixes it, within the same allowance of model calls. One task here (each test run of a task builds it: slow);
/// <c>bench/agents/run.sh</c> runs them all (AGENTS_TASKS=all) and prints the table, with a real model too when one is
/// configured.
/// </summary>
public sealed class TaskSetTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TaskSet_PrimaryAloneKeepsTheMistake_TheAdversarysTestRunGetsItFixed_AtTheSameAllowance()
    {
        var tasks = Environment.GetEnvironmentVariable("AGENTS_TASKS") == "all" ? CodingTask.All() : [CodingTask.Load(Path.Combine(CodingTask.Root, "leap-year"))];
        var outcomes = new List<TaskOutcome>();
        foreach (var task in tasks)
        {
            var alone = await TaskSetRunner.RunAsync(task, adversary: false);
            var checkedRun = await TaskSetRunner.RunAsync(task, adversary: true);
            outcomes.AddRange([alone, checkedRun]);

            alone.Passed.ShouldBeFalse($"{task.Id}: the scripted mistake should fail the task's tests");
            checkedRun.Passed.ShouldBeTrue($"{task.Id}: the Adversary's findings should have led to the fix ({checkedRun.State}, verdicts {checkedRun.Verdicts})");
            checkedRun.Verdicts.ShouldBe("revise approve");
            checkedRun.ModelCalls.ShouldBeLessThanOrEqualTo(TaskSetRunner.AllowedCalls);
            alone.Allowed.ShouldBe(checkedRun.Allowed);
        }

        if (TaskSetRunner.RealModel() is { } real)
        {
            foreach (var task in tasks)
            {
                outcomes.Add(await TaskSetRunner.RunAsync(task, adversary: false, real));
                outcomes.Add(await TaskSetRunner.RunAsync(task, adversary: true, real));
            }
        }

        var table = TaskSetRunner.Table(outcomes);
        output.WriteLine(table);
        if (Environment.GetEnvironmentVariable("AGENTS_TASKS_TABLE") is { Length: > 0 } file) await File.WriteAllTextAsync(file, table + "\n");
    }
}
