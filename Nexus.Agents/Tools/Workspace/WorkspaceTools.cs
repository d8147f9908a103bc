using System.Collections.Concurrent;
using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Nexus.Contract;

namespace Nexus.Agents.Tools.Workspace;

/// <summary>
/// The workspace tools of one run, in its own folder under <c>Agents:WorkspacesPath</c>. Reading and listing are read-only;
/// writing, scaffolding, building, testing and contract checks change the workspace or run code the agent wrote, so they
/// are declared destructive and wait for a human's approval unless the spec grants them (the policy engine reads the
/// annotations like any service's). Every path is confined to the run's folder; every command is an argument list with
/// a timeout, its output cut, killed with the run.
/// </summary>
internal sealed class WorkspaceTools(IOptions<WorkspaceOptions> options, WorkspaceProcesses processes, TemplateHive hive, ContractCheckRunner checker)
{
    private static readonly FunctionAnnotations ReadOnly = new() { ReadOnly = true };
    private static readonly FunctionAnnotations SideEffects = new() { ReadOnly = false, Destructive = true };
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public IEnumerable<BusTool> Create(string runId)
    {
        var workspace = new RunWorkspace(Path.Combine(Path.GetFullPath(options.Value.WorkspacesPath), runId), options.Value, processes, _locks.GetOrAdd(runId, _ => new SemaphoreSlim(1, 1)));
        yield return Tool("workspace.list_files", "Lists the files of the run's workspace (or of a folder in it), with their sizes; bin and obj are left out.", ReadOnly,
            ([Description("A folder relative to the workspace; the workspace itself when empty.")] string? path = null) => workspace.List(path));
        yield return Tool("workspace.read_file", "Reads a text file of the run's workspace.", ReadOnly,
            ([Description("The file, relative to the workspace.")] string path, CancellationToken ct) => workspace.ReadAsync(path, ct));
        yield return Tool("workspace.write_file", "Writes a text file in the run's workspace, creating its folders and replacing the file when it exists.", SideEffects,
            ([Description("The file, relative to the workspace.")] string path, [Description("The whole new content.")] string content, CancellationToken ct) => workspace.WriteAsync(path, content, ct));
        yield return Tool("workspace.scaffold_service", "Creates a Nexus service in the workspace with `dotnet new nexus-service` (a project NAME/ and its tests NAME.Tests/).", SideEffects,
            ([Description("The service's .NET name, such as Acme.Translate.")] string name, [Description("The descriptor kind: custom (default), inference, image, speech, ocr or agents.")] string? kind = null, CancellationToken ct = default) =>
                workspace.Locked(() => ScaffoldAsync(workspace, name, kind, ct), ct));
        yield return Tool("workspace.build", "Builds a project of the workspace with `dotnet build`; answers the exit code and the compiler's output.", SideEffects,
            ([Description("The project folder or .csproj, relative to the workspace.")] string project, CancellationToken ct) =>
                workspace.Locked(() => workspace.DotnetAsync("build", project, ct), ct));
        yield return Tool("workspace.run_tests", "Runs a test project of the workspace with `dotnet test`; answers the exit code and which tests failed and why.", SideEffects,
            ([Description("The test project folder or .csproj, relative to the workspace.")] string project, CancellationToken ct) =>
                workspace.Locked(() => workspace.DotnetAsync("test", project, ct), ct));
        yield return Tool("workspace.check_contract", "Starts a built service of the workspace on a random loopback port and runs the Nexus contract checker against it; answers each check's PASS, WARN or FAIL.", SideEffects,
            ([Description("The service's project folder or .csproj, relative to the workspace; build it first.")] string project, CancellationToken ct) =>
                workspace.Locked(() => checker.CheckAsync(workspace, project, ct), ct));
    }

    private async Task<object> ScaffoldAsync(RunWorkspace workspace, string name, string? kind, CancellationToken cancellationToken)
    {
        if (!ServiceName.IsValid(name)) return $"Not created: '{name}' is not a .NET project name (letters and digits in dot-separated parts, each starting with a letter, such as Acme.Translate).";
        if (!string.IsNullOrEmpty(kind) && !ServiceName.Kinds.Contains(kind)) return $"Not created: kind '{kind}' is not one of {string.Join(", ", ServiceName.Kinds)}.";
        if (Directory.Exists(workspace.Resolve(name))) return $"Not created: '{name}' already exists in the workspace.";
        if (options.Value.ResolveNexusRoot() is not { } root) return "Not created: the Nexus sources are not configured (Agents:NexusRoot); a scaffolded service references Nexus.ServiceDefaults from them.";
        var installed = await hive.EnsureInstalledAsync(root, cancellationToken);
        if (installed is not null) return installed;
        var arguments = new List<string> { "new", "nexus-service", "-n", name, "-o", workspace.Root, "--nexusRoot", root, "--debug:custom-hive", hive.Path };
        if (!string.IsNullOrEmpty(kind)) arguments.AddRange(["--kind", kind]);
        var result = await workspace.RunAsync("dotnet", arguments, cancellationToken);
        return RunWorkspace.Answer(result, result.Succeeded ? workspace.List(null) : null);
    }

    private static BusTool Tool(string name, string description, FunctionAnnotations annotations, Delegate method) =>
        new(name, annotations, AIFunctionFactory.Create(method, new AIFunctionFactoryOptions { Name = ToolNames.ForModel(name), Description = description }));
}
