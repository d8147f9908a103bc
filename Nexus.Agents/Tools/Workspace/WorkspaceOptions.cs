using Microsoft.Extensions.Options;

namespace Nexus.Agents.Tools.Workspace;

/// <summary>
/// Where agents scaffold, build and check services (<c>Agents</c> section, beside <see cref="AgentsOptions"/>): one folder
/// per run under <see cref="WorkspacesPath"/>, which must not lie inside the Nexus sources the services are built from.
/// </summary>
public sealed class WorkspaceOptions
{
    /// <summary>The root of the run folders (default <c>nexus-agent-workspaces</c> in the temporary folder, outside any checkout).</summary>
    public string WorkspacesPath { get; set; } = Path.Combine(Path.GetTempPath(), "nexus-agent-workspaces");

    /// <summary>
    /// The Nexus sources a scaffolded service references (<c>Nexus.ServiceDefaults</c>) and the <c>nexus-service</c> template
    /// comes from; found above the service's own folder when empty (a checkout), else scaffolding says it is missing.
    /// </summary>
    public string? NexusRoot { get; set; }

    /// <summary>Longest run of a workspace command (<c>dotnet new</c>, <c>build</c>, <c>test</c>, a contract check) in seconds.</summary>
    public int WorkspaceCommandSeconds { get; set; } = 600;

    /// <summary>Characters of a command's output handed to the model; the start and the end are kept.</summary>
    public int WorkspaceOutputCharacters { get; set; } = 8_000;

    /// <summary>
    /// Whether <c>workspace.build</c> also builds the referenced Nexus projects. Off when those are built beforehand (a
    /// deployment, or tests that share the checkout with other builds); the build then only reads their outputs.
    /// </summary>
    public bool WorkspaceBuildReferences { get; set; } = true;

    /// <summary>How long run workspaces are kept (<c>Agents:Workspaces:Retention</c>, <c>MaxCount</c>).</summary>
    public WorkspaceRetentionOptions Workspaces { get; set; } = new();

    /// <summary>The Nexus sources: the setting, or the folder holding <c>Nexus.sln</c> above this service; null when neither.</summary>
    public string? ResolveNexusRoot()
    {
        if (!string.IsNullOrWhiteSpace(NexusRoot)) return Path.GetFullPath(NexusRoot);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nexus.sln"))) return dir.FullName;
        }

        return null;
    }
}

internal sealed class WorkspaceOptionsValidator : IValidateOptions<WorkspaceOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkspaceOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.WorkspacesPath)) errors.Add("Agents:WorkspacesPath must not be empty.");
        else if (options.ResolveNexusRoot() is { } root && WorkspacePaths.IsWithin(root, Path.GetFullPath(options.WorkspacesPath)))
            errors.Add($"Agents:WorkspacesPath '{options.WorkspacesPath}' lies inside the Nexus sources; agent workspaces must be outside the repository.");
        if (options.WorkspaceCommandSeconds < 10) errors.Add("Agents:WorkspaceCommandSeconds must be at least 10.");
        if (options.Workspaces.Retention <= TimeSpan.Zero) errors.Add("Agents:Workspaces:Retention must be positive.");
        if (options.Workspaces.MaxCount < 1) errors.Add("Agents:Workspaces:MaxCount must be at least 1.");
        if (options.Workspaces.SweepInterval < TimeSpan.FromSeconds(1)) errors.Add("Agents:Workspaces:SweepInterval must be at least one second.");
        if (options.WorkspaceOutputCharacters < 500) errors.Add("Agents:WorkspaceOutputCharacters must be at least 500.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
