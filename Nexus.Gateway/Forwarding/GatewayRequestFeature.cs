using Nexus.Gateway.Keys;
using Nexus.Gateway.Limits;
using Nexus.Gateway.Routing;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// One request's passage through the gateway's steps (<see cref="GatewayPipeline"/>): each step reads what the steps
/// before it learned and writes what it learns itself, and none calls back into another.
/// </summary>
internal sealed class GatewayRequestFeature(GatewayEndpoint endpoint, string? service, string? path)
{
    /// <summary>The request's feature, set before the first step runs.</summary>
    public static GatewayRequestFeature Of(HttpContext context) => context.Features.Get<GatewayRequestFeature>()!;

    /// <summary>The route called: an OpenAI endpoint, or <c>/v1/services</c>.</summary>
    public GatewayEndpoint Endpoint { get; } = endpoint;

    /// <summary>The service of <c>/v1/services/{service}/...</c>; null on OpenAI routes.</summary>
    public string? Service { get; } = service;

    /// <summary>The instance path of <c>/v1/services/{service}/{path}</c>, with its leading slash.</summary>
    public string? Path { get; } = path;

    /// <summary>
    /// The OpenAI endpoint whose rules the request follows (scope, model allow-list, token reservation): the route
    /// itself, or, for a service function at an OpenAI path, that path's endpoint; null for any other service function.
    /// Set when the request is read.
    /// </summary>
    public GatewayEndpoint? ServedAs { get; set; }

    public DateTimeOffset At { get; set; }

    public RequestTiming Timing { get; set; } = null!;

    /// <summary>Set by authentication.</summary>
    public Caller? Caller { get; set; }

    /// <summary>Set once the body is read.</summary>
    public GatewayRequest? Request { get; set; }

    /// <summary>The MCP tool called (<c>service.function</c>) when the request is a tool call of the gateway's <c>/mcp</c>.</summary>
    public string? Tool { get; init; }

    /// <summary>The tool, the model (or, on <c>/v1/services</c> without one, the service) the audit names.</summary>
    public string? Model => Tool ?? Request?.Model ?? Service;

    /// <summary>The route's name (model id or service name), set when it resolves.</summary>
    public string Route { get; set; } = "";

    /// <summary>The instances the request may go to, narrowed by labels and canary splits.</summary>
    public IReadOnlyList<Upstream> Candidates { get; set; } = [];

    public LimitLease? Lease { get; set; }

    /// <summary>Set by forwarding.</summary>
    public ForwardResult? Result { get; set; }

    /// <summary>Tokens billed, set by metering once the answer is complete.</summary>
    public long PromptTokens { get; set; }

    public long CompletionTokens { get; set; }
}
