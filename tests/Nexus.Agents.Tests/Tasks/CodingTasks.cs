using Nexus.Testing;

namespace Nexus.Agents.Tests.Tasks;

/// <summary>
/// One task of the offline task set (<c>bench/agents/tasks/&lt;id&gt;</c>): a prompt, the files the agent starts from
/// (<c>Kata.Tests/</c>, whose tests judge the result) and, for the scripted model, the known mistake and its fix.
/// </summary>
internal sealed record CodingTask(string Id, string Folder, string Prompt, string Mistake, string Fix)
{
    public const string SolutionPath = "Kata.Tests/Kata.cs";
    public const string TestProject = "Kata.Tests";

    public static string Root => Path.Combine(TestEnvironment.RepositoryRoot(), "bench", "agents", "tasks");

    public static IReadOnlyList<CodingTask> All() =>
        [.. Directory.GetDirectories(Root).OrderBy(d => d, StringComparer.Ordinal).Select(Load)];

    public static CodingTask Load(string folder) => new(
        Path.GetFileName(folder),
        folder,
        File.ReadAllText(Path.Combine(folder, "task.md")).Trim(),
        File.ReadAllText(Path.Combine(folder, "scripted", "mistake.cs")),
        File.ReadAllText(Path.Combine(folder, "scripted", "fix.cs")));

    /// <summary>Copies the starting files into a run's workspace (never the scripted answers).</summary>
    public void Seed(string workspace)
    {
        var source = Path.Combine(Folder, TestProject);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var target = Path.Combine(workspace, TestProject, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
