namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// Registered (as a singleton) by a host that serves its own MCP tools at <c>/mcp</c>, such as the gateway's aggregate
/// of every service: <c>MapDefaultEndpoints()</c> then leaves <c>/mcp</c> to the host, which configures the MCP server
/// after the service defaults (its options win) and maps the endpoint itself.
/// </summary>
public sealed class HostServesMcp;
