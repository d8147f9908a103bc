using ModelContextProtocol.Protocol;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Mcp.Routes;
using Nexus.ServiceDefaults.Mcp;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// A tool of the gateway's <c>/mcp</c>: its name, the service its key scope is checked against (a registered
/// service's, or an MCP route's name) and its definition as listed.
/// </summary>
internal abstract record GatewayTool(string Name, string Service, Tool Definition)
{
    /// <summary>
    /// Whether the key's and tenant's policies let the caller call the tool: the rules the pipeline checks on every
    /// call, read ahead so that <c>tools/list</c> shows only what the caller can use.
    /// </summary>
    public abstract bool MayBeCalledBy(Caller caller);

    /// <summary>What else than the definition decides who may see the tool, for the catalog's fingerprint.</summary>
    public abstract string PolicyInputs { get; }
}

/// <summary>
/// One function of a registered service, named <c>service.function</c>, with what the caller's policy is checked
/// against: the service's scope, the OpenAI endpoint the function serves (if any) and the models the service's ready
/// instances serve.
/// </summary>
internal sealed record FunctionGatewayTool(string Name, string Service, FunctionTool Function, GatewayEndpoint? ServedAs, IReadOnlyList<string> Models)
    : GatewayTool(Name, Service, Function.Tool)
{
    /// <summary>The rules of <c>AuthoriseStep</c>; a function serving a model is listed when the caller may use at least one model the service serves.</summary>
    public override bool MayBeCalledBy(Caller caller) =>
        caller.AllowsScope(EndpointScopes.Service(Service))
        && (ServedAs is null || (caller.AllowsScope(ServedAs.Scope) && (Models.Count == 0 || Models.Any(caller.AllowsModel))));

    public override string PolicyInputs => string.Join(',', Models);
}

/// <summary>
/// A tool of an external MCP server behind an MCP route, named <c>route.tool</c>; the route's name counts as the
/// service (scope <c>services:route</c>, a policy's allowed services).
/// </summary>
internal sealed record RouteGatewayTool(string Name, string Route, Tool Definition, McpRouteConnection Connection, string UpstreamName)
    : GatewayTool(Name, Route, Definition)
{
    public override bool MayBeCalledBy(Caller caller) => caller.AllowsScope(EndpointScopes.Service(Route));

    public override string PolicyInputs => "route";
}
