using Microsoft.Extensions.Options;

namespace Nexus.Agents;

/// <summary>The agents service's settings (<c>Agents</c> section).</summary>
public sealed class AgentsOptions
{
    public const string SectionName = "Agents";

    /// <summary>The gateway every model call, tool call and registry read goes through.</summary>
    public string? GatewayUrl { get; set; }

    /// <summary>The agents' tenant key at the gateway: the gateway's keys, limits, budgets and audit apply to it.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Per agent, a key of its own (<c>Agents:Keys:&lt;agent&gt;</c>), used instead of <see cref="ApiKey"/>.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>
    /// A key that may read the gateway's registry (a tenant key whose policy has <c>readRegistry</c>, or an admin key), for
    /// the tool bus and the platform tools; <see cref="ApiKey"/> when unset.
    /// </summary>
    public string? RegistryKey { get; set; }

    public string? RegistryKeyOrApiKey => string.IsNullOrEmpty(RegistryKey) ? ApiKey : RegistryKey;

    /// <summary>The tenant the agents' key belongs to: the first part of every memory scope.</summary>
    public string Tenant { get; set; } = "default";

    /// <summary>The folder of YAML agent specs, watched for changes.</summary>
    public string SpecsPath { get; set; } = "agents";

    /// <summary>The SQLite file used when no PostgreSQL connection string (<c>ConnectionStrings:agentsdb</c>) is set.</summary>
    public string SqlitePath { get; set; } = "nexus-agents.db";

    /// <summary>Where binary tool results (audio, images) are kept; they are referenced from the context, never pasted into it.</summary>
    public string BlobPath { get; set; } = "agent-blobs";

    /// <summary>The key for the spec admin API and for approving or rejecting calls; the admin API is closed without it.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Longest text of a tool result handed to the model; the rest is cut with a note.</summary>
    public int MaxToolResultCharacters { get; set; } = 16_000;

    /// <summary>External MCP servers whose tools join the bus (<c>Agents:McpServers:&lt;server&gt;</c>), validated by <see cref="Tools.Mcp.McpServersValidator"/>.</summary>
    public Dictionary<string, Tools.Mcp.McpServerOptions> McpServers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string KeyFor(string agent) => Keys.TryGetValue(agent, out var key) && !string.IsNullOrEmpty(key) ? key : ApiKey ?? "";
}

internal sealed class AgentsOptionsValidator : IValidateOptions<AgentsOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentsOptions options)
    {
        var errors = new List<string>();
        if (options.GatewayUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            errors.Add($"Agents:GatewayUrl '{url}' must be an absolute http or https URL.");
        if (string.IsNullOrWhiteSpace(options.Tenant)) errors.Add("Agents:Tenant must not be empty.");
        if (string.IsNullOrWhiteSpace(options.SpecsPath)) errors.Add("Agents:SpecsPath must not be empty.");
        if (string.IsNullOrWhiteSpace(options.SqlitePath)) errors.Add("Agents:SqlitePath must not be empty.");
        if (string.IsNullOrWhiteSpace(options.BlobPath)) errors.Add("Agents:BlobPath must not be empty.");
        if (options.MaxToolResultCharacters < 256) errors.Add("Agents:MaxToolResultCharacters must be at least 256.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
