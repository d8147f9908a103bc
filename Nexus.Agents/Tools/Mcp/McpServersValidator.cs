using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Nexus.Agents.Tools.Mcp;

/// <summary>Every problem of <c>Agents:McpServers</c>, reported together at start, each naming its field.</summary>
internal sealed partial class McpServersValidator : IValidateOptions<AgentsOptions>
{
    private const string Section = AgentsOptions.SectionName + ":McpServers";

    // No '.' and no '_': the bus name "server.tool" splits at its first dot and the model's "server__tool" at its first "__".
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
    private static partial Regex NamePattern();

    // RFC 9110's token: what a header name may be.
    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$")]
    private static partial Regex HeaderNamePattern();

    /// <summary>Prefixes of the bus's own tools, which a server's tools may not take.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "platform", "workspace", "agent", "memory" };

    // Headers the MCP transport itself sets.
    private static readonly HashSet<string> TransportHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Type", "Content-Length", "Accept", "Transfer-Encoding", "Connection", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID",
    };

    public ValidateOptionsResult Validate(string? name, AgentsOptions options)
    {
        var errors = new List<string>();
        foreach (var (server, settings) in options.McpServers)
        {
            var where = $"{Section}:{server}";
            if (!NamePattern().IsMatch(server)) errors.Add($"{where}: a server's name is 1 to 32 of A-Z, a-z, 0-9 and '-', starting with a letter or digit (its tools are named '{{server}}.{{tool}}').");
            else if (Reserved.Contains(server)) errors.Add($"{where}: '{server}' is the prefix of the bus's own tools.");
            if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")) errors.Add($"{where}:Url: must be an absolute http or https URL.");
            else if (url.UserInfo.Length > 0) errors.Add($"{where}:Url: must not carry credentials; put them in Headers.");
            if (settings.TimeoutSeconds is < 1 or > 3600) errors.Add($"{where}:TimeoutSeconds: must be between 1 and 3600.");
            if (settings.RefreshSeconds is < 1 or > 86400) errors.Add($"{where}:RefreshSeconds: must be between 1 and 86400.");
            foreach (var (header, value) in settings.Headers)
            {
                // A header's value is a credential: the error names the header, never its value.
                if (!HeaderNamePattern().IsMatch(header)) errors.Add($"{where}:Headers:{header}: is not a header name.");
                else if (TransportHeaders.Contains(header)) errors.Add($"{where}:Headers:{header}: is set by the MCP transport.");
                if (string.IsNullOrEmpty(value) || value.Any(c => char.IsControl(c) && c != '\t')) errors.Add($"{where}:Headers:{header}: must be text without control characters.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
