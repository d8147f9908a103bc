using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Keys;
using Nexus.ServiceDefaults.Mcp;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// One function of a registered service as a tool of the gateway, named <c>service.function</c>, with what the
/// caller's policy is checked against: the service's scope, the OpenAI endpoint the function serves (if any) and the
/// models the service's ready instances serve.
/// </summary>
internal sealed record GatewayTool(string Name, string Service, FunctionTool Tool, GatewayEndpoint? ServedAs, IReadOnlyList<string> Models)
{
    /// <summary>
    /// Whether the key's and tenant's policies let the caller call the tool: the rules of <c>AuthoriseStep</c>, which
    /// checks every call again, read ahead so that <c>tools/list</c> shows only what the caller can use. A function
    /// serving a model is listed when the caller may use at least one model the service serves.
    /// </summary>
    public bool MayBeCalledBy(Caller caller) =>
        caller.AllowsScope(EndpointScopes.Service(Service))
        && (ServedAs is null || (caller.AllowsScope(ServedAs.Scope) && (Models.Count == 0 || Models.Any(caller.AllowsModel))));
}
