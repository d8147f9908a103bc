using Microsoft.Extensions.Options;

namespace Nexus.Agents.Tools.Workspace;

/// <summary>
/// The <c>nexus-service</c> template, installed from the Nexus sources into a private template hive beside the
/// workspaces (<c>--debug:custom-hive</c>), so the machine's own <c>dotnet new</c> list is never changed. Installed once per
/// process, the first time a run scaffolds.
/// </summary>
internal sealed class TemplateHive(IOptions<WorkspaceOptions> options, WorkspaceProcesses processes)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _installed;

    public string Path => System.IO.Path.Combine(System.IO.Path.GetFullPath(options.Value.WorkspacesPath), ".template-hive");

    /// <summary>Null when the template is installed; otherwise why it could not be.</summary>
    public async Task<string?> EnsureInstalledAsync(string nexusRoot, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_installed) return null;
            var template = System.IO.Path.Combine(nexusRoot, "Nexus.Templates", "templates", "nexus-service");
            if (!Directory.Exists(template)) return $"Not created: the nexus-service template is not in the Nexus sources ({System.IO.Path.Combine("Nexus.Templates", "templates", "nexus-service")} under Agents:NexusRoot).";
            Directory.CreateDirectory(Path);
            var result = await processes.RunAsync("dotnet", ["new", "install", template, "--force", "--debug:custom-hive", Path], Path,
                TimeSpan.FromSeconds(options.Value.WorkspaceCommandSeconds), options.Value.WorkspaceOutputCharacters, cancellationToken);
            if (!result.Succeeded) return $"Not created: installing the nexus-service template failed (exit {result.ExitCode}):\n{result.Output}";
            _installed = true;
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
