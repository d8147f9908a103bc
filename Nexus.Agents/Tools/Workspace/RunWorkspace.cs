using System.Text;

namespace Nexus.Agents.Tools.Workspace;

/// <summary>
/// One run's folder and what its tools do there. Commands of a run take turns (a model may ask for two builds at once;
/// they would write the same obj folder).
/// </summary>
internal sealed class RunWorkspace(string root, WorkspaceOptions options, WorkspaceProcesses processes, SemaphoreSlim turn)
{
    private static readonly string[] Hidden = ["bin", "obj"];

    public string Root => root;

    public TimeSpan CommandTimeout => TimeSpan.FromSeconds(options.WorkspaceCommandSeconds);

    public int MaxCharacters => options.WorkspaceOutputCharacters;

    public WorkspaceProcesses Processes => processes;

    /// <summary>A path inside the workspace, created on first use; throws <see cref="WorkspacePathException"/> otherwise.</summary>
    public string Resolve(string? relative)
    {
        Directory.CreateDirectory(root);
        return WorkspacePaths.Resolve(root, relative);
    }

    public object List(string? path)
    {
        try
        {
            var folder = Resolve(path);
            if (!Directory.Exists(folder)) return $"'{path}' is not a folder of the workspace.";
            var files = new List<object>();
            foreach (var file in Walk(folder).Take(500)) files.Add(new { path = WorkspacePaths.Relative(root, file.FullName), bytes = file.Length });
            return new { folder = WorkspacePaths.Relative(root, folder), files };
        }
        catch (WorkspacePathException ex)
        {
            return ex.Message;
        }
    }

    public async Task<string> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var file = Resolve(path);
            if (!File.Exists(file)) return $"'{path}' is not a file of the workspace.";
            var text = await File.ReadAllTextAsync(file, cancellationToken);
            return WorkspaceProcesses.Cut(text, options.WorkspaceOutputCharacters * 2);
        }
        catch (WorkspacePathException ex)
        {
            return ex.Message;
        }
    }

    public async Task<string> WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        try
        {
            var file = Resolve(path);
            if (Directory.Exists(file)) return $"'{path}' is a folder.";
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            WorkspacePaths.Resolve(root, WorkspacePaths.Relative(root, file)); // the folders just created are real ones, never links
            await File.WriteAllTextAsync(file, content, new UTF8Encoding(false), cancellationToken);
            return $"Wrote {WorkspacePaths.Relative(root, file)} ({Encoding.UTF8.GetByteCount(content)} bytes).";
        }
        catch (WorkspacePathException ex)
        {
            return ex.Message;
        }
    }

    /// <summary><c>dotnet build</c> or <c>dotnet test</c> on a project of the workspace, without build servers that would outlive the run.</summary>
    public async Task<object> DotnetAsync(string verb, string project, CancellationToken cancellationToken)
    {
        string target;
        try
        {
            target = Resolve(project);
        }
        catch (WorkspacePathException ex)
        {
            return ex.Message;
        }

        if (!File.Exists(target) && !Directory.Exists(target)) return $"'{project}' is not a project folder or file of the workspace.";
        var arguments = new List<string> { verb, target, "--disable-build-servers", "-nologo", "-v:minimal" };
        if (!options.WorkspaceBuildReferences) arguments.Add("-p:BuildProjectReferences=false");
        return Answer(await RunAsync("dotnet", arguments, cancellationToken));
    }

    public Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        processes.RunAsync(fileName, arguments, Resolve(null), CommandTimeout, options.WorkspaceOutputCharacters, cancellationToken);

    /// <summary>Runs one command of this workspace at a time.</summary>
    public async Task<object> Locked(Func<Task<object>> action, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            return await action();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"The command could not start: {ex.Message}. The workspace tools need the .NET SDK (`dotnet`) on the agents service's PATH.";
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>What the model gets from a command: whether it worked, its exit code and its (cut) output.</summary>
    public static object Answer(CommandResult result, object? files = null) => new
    {
        succeeded = result.Succeeded,
        exitCode = result.ExitCode,
        timedOut = result.TimedOut,
        output = result.Output,
        files,
    };

    private static IEnumerable<FileInfo> Walk(string folder)
    {
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(folder)]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            foreach (var entry in current.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (entry.LinkTarget is not null) continue; // never followed, never listed as content
                if (entry is DirectoryInfo directory)
                {
                    if (!Hidden.Contains(directory.Name, StringComparer.OrdinalIgnoreCase)) pending.Push(directory);
                }
                else if (entry is FileInfo file)
                {
                    yield return file;
                }
            }
        }
    }
}
