namespace Nexus.Agents.Memory;

/// <summary>Thrown by the storage layer for a read or write without a complete scope, before anything is read or written.</summary>
public sealed class MissingScopeException(string message) : InvalidOperationException(message);

/// <summary>Whose memory: every stored row belongs to exactly one (tenant, user, workspace).</summary>
public sealed record MemoryScope(string? Tenant, string? User, string? Workspace)
{
    /// <summary>The scope itself when every part is set; fails closed otherwise.</summary>
    public MemoryScope Require()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(Tenant)) missing.Add("tenant");
        if (string.IsNullOrWhiteSpace(User)) missing.Add("user");
        if (string.IsNullOrWhiteSpace(Workspace)) missing.Add("workspace");
        if (missing.Count > 0) throw new MissingScopeException($"The memory scope is incomplete: {string.Join(", ", missing)} missing. Every read and write needs tenant, user and workspace.");
        return this;
    }
}
