using System.Net;
using System.Security.Claims;
using Nexus.Gateway.Keys;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// The caller of one <c>/mcp</c> request, as the request's user. The MCP SDK hands each message's user to the tool
/// handlers and binds a session to the key that opened it (by the name identifier), so another key cannot use it.
/// Carries what a tool call needs to pass through the gateway's pipeline as the same caller.
/// </summary>
internal sealed class McpCaller(Caller caller, string authorization, IPAddress? remoteAddress, string requestId)
    : ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, caller.Key.Id), new Claim("tenant", caller.Tenant.Id)], "NexusKey"))
{
    public Caller Caller { get; } = caller;

    /// <summary>The <c>Authorization</c> header as sent, for the pipeline to authenticate again (and see a revocation).</summary>
    public string Authorization { get; } = authorization;

    public IPAddress? RemoteAddress { get; } = remoteAddress;

    /// <summary>The <c>/mcp</c> request's id, from which each tool call's own request id is made.</summary>
    public string RequestId { get; } = requestId;
}
