using System.Text.Json;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// In front of every <c>/mcp</c> request: the origin (403), the tenant key (401, counted by the auth-failure throttle
/// like every other failed credential) and, for a request that may open a session, the session caps (503 overall,
/// 429 per key). The request then runs as its <see cref="McpCaller"/>.
/// </summary>
internal sealed class McpGuard(KeyAuthenticator keys, AuthThrottle throttle, McpSessions sessions, GatewayMetrics metrics, IOptionsMonitor<McpGatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var settings = options.CurrentValue;
        if (!McpOrigin.IsAllowed(context.Request, settings.AllowedOrigins))
        {
            await RejectAsync(context, "origin", StatusCodes.Status403Forbidden, "This origin may not call the gateway's MCP endpoint.");
            return;
        }

        var authorization = context.Request.Headers.Authorization;
        var caller = await keys.AuthenticateAsync(authorization, context.RequestAborted);
        if (caller is null)
        {
            if (authorization.Count > 0) throttle.Failed(context.Connection.RemoteIpAddress);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RejectAsync(context, "auth", StatusCodes.Status401Unauthorized, "Incorrect or missing API key. Send 'Authorization: Bearer <key>'.");
            return;
        }

        if (MayOpenSession(context.Request))
        {
            var (status, problem) = sessions.MayOpen(caller.Key.Id, settings);
            if (problem is not null)
            {
                context.Response.Headers.RetryAfter = "30";
                await RejectAsync(context, "mcp_sessions", status, problem);
                return;
            }
        }

        context.User = new McpCaller(caller, authorization.ToString(), context.Connection.RemoteIpAddress, context.TraceIdentifier);
        await next(context);
    }

    // Only an initialize request opens a session: a POST with no session id, and no Mcp-Method header naming another
    // method (the 2026-07-28 revision sends one on every request, and has no sessions).
    private static bool MayOpenSession(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && !request.Headers.ContainsKey("Mcp-Session-Id")
        && request.Headers["Mcp-Method"] is { Count: 0 } or ["initialize"];

    // A JSON-RPC error with no id, as the MCP SDK answers its own HTTP-level refusals.
    private Task RejectAsync(HttpContext context, string reason, int status, string message)
    {
        metrics.Rejected(reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = JsonSerializer.SerializeToUtf8Bytes(new { jsonrpc = "2.0", error = new { code = -32000, message }, id = (string?)null });
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
