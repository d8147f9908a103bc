using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Mcp.Routes;
using Nexus.ServiceDefaults.Mcp;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// Makes a tool call a request through the gateway's own steps: a service function's as a request of
/// <c>/v1/services/{service}/...</c> through <see cref="GatewayPipeline"/>, an MCP route's tool through
/// <see cref="McpRoutePipeline"/>. Either way the same key, scopes, limits and audit record (endpoint <c>mcp</c>,
/// the tool's name), with the answer turned into the tool's result.
/// </summary>
internal sealed class PipelineToolCaller
{
    /// <summary>The route a tool call is recorded under; its scope is the service's (or the MCP route's), as on <c>/v1/services</c>.</summary>
    public static GatewayEndpoint Endpoint { get; } = new("mcp", "/mcp", "services", BodyKind.Passthrough, CountsCompletionTokens: false, CanStream: false);

    private RequestDelegate? _functions;
    private RequestDelegate? _routes;
    private long _calls;

    /// <summary>Set when <c>/mcp</c> is mapped: the pipelines are built from the endpoints, like the other routes'.</summary>
    public void Use(RequestDelegate functions, RequestDelegate routes)
    {
        _functions = functions;
        _routes = routes;
    }

    public Task<CallToolResult> CallAsync(RequestContext<CallToolRequestParams> mcp, McpCaller caller, GatewayTool tool, JsonObject arguments, CancellationToken cancellationToken) => tool switch
    {
        FunctionGatewayTool function => CallFunctionAsync(mcp, caller, function, arguments, cancellationToken),
        RouteGatewayTool route => CallRouteAsync(mcp, caller, route, arguments, cancellationToken),
        _ => throw new InvalidOperationException($"No way to call a {tool.GetType().Name}."),
    };

    private async Task<CallToolResult> CallFunctionAsync(RequestContext<CallToolRequestParams> mcp, McpCaller caller, FunctionGatewayTool tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var pipeline = _functions ?? throw new InvalidOperationException("The gateway's /mcp is not mapped.");
        var call = FunctionRequest.For(tool.Function, arguments);
        var context = NewContext(caller, call.Method, "/v1/services/" + tool.Service + call.Path, call.Body, cancellationToken);
        context.Request.QueryString = new QueryString(call.Query.Length > 0 ? call.Query : null);
        using var answer = ProgressBody.For(mcp, tool.Function, () => context.Response.ContentType);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(answer));
        // The pipeline takes the path as routing gives it: decoded, except for an encoded '/', which stays in one segment.
        context.Features.Set(new GatewayRequestFeature(Endpoint, tool.Service, PathString.FromUriComponent(call.Path).Value) { Tool = tool.Name });

        await pipeline(context);

        var mediaType = MediaTypeHeaderValue.TryParse(context.Response.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        return ToolResults.FromResponse(tool.Name, context.Response.StatusCode, mediaType, answer.ToArray());
    }

    private async Task<CallToolResult> CallRouteAsync(RequestContext<CallToolRequestParams> mcp, McpCaller caller, RouteGatewayTool tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var pipeline = _routes ?? throw new InvalidOperationException("The gateway's /mcp is not mapped.");
        // The arguments are the request's body, so the pipeline's size limit and reading apply to them as to any other.
        var context = NewContext(caller, HttpMethods.Post, GatewayMcpExtensions.Path, JsonSerializer.SerializeToUtf8Bytes(arguments), cancellationToken);
        using var refusal = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(refusal));
        context.Features.Set(new GatewayRequestFeature(Endpoint, tool.Route, path: null) { Tool = tool.Name });
        var values = arguments.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
        var call = new McpRouteCall(tool, values, ProgressOf(mcp));
        context.Features.Set(call);

        await pipeline(context);

        // Refused before the call (401, 403, 429, 413): the step's own message, as for a service function.
        return call.Result ?? ToolResults.FromResponse(tool.Name, context.Response.StatusCode, "application/json", refusal.ToArray());
    }

    private DefaultHttpContext NewContext(McpCaller caller, string method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Protocol = "HTTP/1.1";
        request.Scheme = "http";
        request.Method = method;
        request.Path = path;
        request.Headers.Authorization = caller.Authorization;
        request.Headers.Accept = "*/*";
        if (body is not null)
        {
            request.ContentType = "application/json";
            request.ContentLength = body.Length;
            request.Body = new MemoryStream(body, writable: false);
        }

        context.Connection.RemoteIpAddress = caller.RemoteAddress;
        context.RequestAborted = cancellationToken;
        // One /mcp request may carry several calls: each gets an id of its own, recognisably the request's.
        context.TraceIdentifier = caller.RequestId + "-" + Interlocked.Increment(ref _calls).ToString(CultureInfo.InvariantCulture);
        return context;
    }

    // The route's server reports progress to the gateway; the gateway passes it on to the caller that asked for it.
    private static IProgress<ProgressNotificationValue>? ProgressOf(RequestContext<CallToolRequestParams> mcp) =>
        mcp.Params?.ProgressToken is { } token ? new ForwardedProgress(mcp.Server, token) : null;

    private sealed class ForwardedProgress(McpServer server, ProgressToken token) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => _ = NotifyAsync(value);

        private async Task NotifyAsync(ProgressNotificationValue value)
        {
            try
            {
                await server.NotifyProgressAsync(token, value);
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                // The caller stopped reading; the call's result still reaches it if it comes back, and progress is advisory.
            }
        }
    }
}
