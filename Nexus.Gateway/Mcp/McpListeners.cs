using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// <c>subscriptions/listen</c> (the 2026-07-28 revision, SEP-2575), how a client without a session hears of tool
/// list changes: the request's response stream stays open, first carrying <c>notifications/subscriptions/acknowledged</c>
/// (granting <c>toolsListChanged</c> when asked, and nothing else: the gateway has no prompts or resources), then a
/// <c>notifications/tools/list_changed</c> tagged with the subscription's id at every change, until the client goes.
/// The SDK's own handler grants nothing to a server without sessions, so the gateway owns the stream. Streams are
/// bounded like sessions: <see cref="McpGatewayOptions.MaxSessions"/> in all, <see cref="McpGatewayOptions.MaxSessionsPerKey"/> per key.
/// </summary>
internal sealed class McpListeners(IOptionsMonitor<McpGatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _perKey = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Wakes every stream to send <c>notifications/tools/list_changed</c>.</summary>
    public void ToolsChanged() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    public async ValueTask<EmptyResult> ListenAsync(RequestContext<SubscriptionsListenRequestParams> request, CancellationToken cancellationToken)
    {
        var caller = request.User as McpCaller ?? throw new McpProtocolException("The request carries no authenticated key.", McpErrorCode.InvalidRequest);
        var key = caller.Caller.Key.Id;
        var settings = options.CurrentValue;
        if (Interlocked.Increment(ref _count) > settings.MaxSessions)
        {
            Interlocked.Decrement(ref _count);
            throw new McpProtocolException("The gateway holds as many MCP sessions and listen streams as it may; retry later.", McpErrorCode.InternalError);
        }

        try
        {
            if (_perKey.AddOrUpdate(key, 1, (_, held) => held + 1) > settings.MaxSessionsPerKey)
            {
                throw new McpProtocolException($"This key holds {settings.MaxSessionsPerKey} listen streams, its limit; close one first.", McpErrorCode.InvalidRequest);
            }

            return await StreamAsync(request, cancellationToken);
        }
        finally
        {
            _perKey.AddOrUpdate(key, 0, (_, held) => held - 1);
            _perKey.TryRemove(new KeyValuePair<string, int>(key, 0));
            Interlocked.Decrement(ref _count);
        }
    }

    private async Task<EmptyResult> StreamAsync(RequestContext<SubscriptionsListenRequestParams> request, CancellationToken cancellationToken)
    {
        var granted = new SubscriptionsListenNotifications { ToolsListChanged = request.Params?.Notifications?.ToolsListChanged == true ? true : null };
        var changed = Volatile.Read(ref _changed).Task;
        var ack = JsonSerializer.SerializeToNode(new SubscriptionsAcknowledgedNotificationParams { Notifications = granted }, McpJsonUtilities.DefaultOptions);
        await SendAsync(request, NotificationMethods.SubscriptionsAcknowledgedNotification, ack as JsonObject, cancellationToken);
        // Nothing granted, nothing to stream: the SDK's own handler ends such a stream at once too.
        if (granted.ToolsListChanged != true) return new EmptyResult();
        try
        {
            while (true)
            {
                await changed.WaitAsync(cancellationToken);
                changed = Volatile.Read(ref _changed).Task; // taken before sending, so a change during the send is not missed
                await SendAsync(request, NotificationMethods.ToolListChangedNotification, null, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new EmptyResult(); // the client closed the stream
        }
    }

    // Over the listen request's own response stream (the server the handler is given sends there), with SEP-2575's subscription id.
    private static Task SendAsync(RequestContext<SubscriptionsListenRequestParams> request, string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        parameters ??= [];
        parameters["_meta"] = new JsonObject
        {
            [MetaKeys.SubscriptionId] = request.JsonRpcRequest.Id.Id switch
            {
                string id => JsonValue.Create(id),
                long id => JsonValue.Create(id),
                _ => null,
            },
        };
        return request.Server.SendMessageAsync(new JsonRpcNotification { Method = method, Params = parameters }, cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
