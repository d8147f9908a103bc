using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Nexus.Gateway.Forwarding;
using Nexus.ServiceDefaults.Mcp;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// Makes a tool call a request of <c>/v1/services/{service}/...</c> through the gateway's own
/// <see cref="GatewayPipeline"/>: the same key, scopes, limits, budgets, routing, retries, passive health and audit
/// record (endpoint <c>mcp</c>, the tool's name), with the answer collected and turned into the tool's result.
/// </summary>
internal sealed class PipelineToolCaller
{
    /// <summary>The route a tool call is recorded under; its scope is the service's, as on <c>/v1/services</c>.</summary>
    public static GatewayEndpoint Endpoint { get; } = new("mcp", "/mcp", "services", BodyKind.Passthrough, CountsCompletionTokens: false, CanStream: false);

    private RequestDelegate? _pipeline;
    private long _calls;

    /// <summary>Set when <c>/mcp</c> is mapped: the pipeline is built from the endpoints, like the other routes'.</summary>
    public void Use(RequestDelegate pipeline) => _pipeline = pipeline;

    public async Task<CallToolResult> CallAsync(RequestContext<CallToolRequestParams> mcp, McpCaller caller, GatewayTool tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var pipeline = _pipeline ?? throw new InvalidOperationException("The gateway's /mcp is not mapped.");
        var call = FunctionRequest.For(tool.Tool, arguments);
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Protocol = "HTTP/1.1";
        request.Scheme = "http";
        request.Method = call.Method;
        request.Path = "/v1/services/" + tool.Service + call.Path;
        request.QueryString = new QueryString(call.Query.Length > 0 ? call.Query : null);
        request.Headers.Authorization = caller.Authorization;
        request.Headers.Accept = "*/*";
        if (call.Body is { } body)
        {
            request.ContentType = "application/json";
            request.ContentLength = body.Length;
            request.Body = new MemoryStream(body, writable: false);
        }

        context.Connection.RemoteIpAddress = caller.RemoteAddress;
        context.RequestAborted = cancellationToken;
        // One /mcp request may carry several calls: each gets an id of its own, recognisably the request's.
        context.TraceIdentifier = caller.RequestId + "-" + Interlocked.Increment(ref _calls).ToString(CultureInfo.InvariantCulture);
        using var answer = ProgressBody.For(mcp, tool.Tool, () => context.Response.ContentType);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(answer));
        // The pipeline takes the path as routing gives it: decoded, except for an encoded '/', which stays in one segment.
        context.Features.Set(new GatewayRequestFeature(Endpoint, tool.Service, PathString.FromUriComponent(call.Path).Value) { Tool = tool.Name });

        await pipeline(context);

        var mediaType = MediaTypeHeaderValue.TryParse(context.Response.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        return ToolResults.FromResponse(tool.Name, context.Response.StatusCode, mediaType, answer.ToArray());
    }
}
