namespace Nexus.AppHost.Hosting;

/// <summary>A .NET project run from its build output (the manifest's <c>project.v0</c>).</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    /// <summary>Full path of the .csproj file.</summary>
    public string ProjectPath { get; } = projectPath;
}

/// <summary>A program started with an argument list; run mode only (it has no manifest form in our subset).</summary>
public sealed class ExecutableResource(string name, string command, string workingDirectory, IReadOnlyList<string> args) : Resource(name)
{
    public string Command { get; } = command;

    public string WorkingDirectory { get; } = workingDirectory;

    public IReadOnlyList<string> Args { get; } = args;

    /// <summary>The path polled for health on the first HTTP endpoint; null means "running" is enough.</summary>
    internal string? HealthPath { get; set; }
}
