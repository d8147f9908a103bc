using System.Net.Http.Headers;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// Calls a function's own HTTP endpoint on this service over loopback, so a tool call passes through the whole
/// ASP.NET Core pipeline (binding, validation, limits, errors, telemetry) exactly as an HTTP caller's request does,
/// and turns the response into an MCP tool result.
/// </summary>
internal sealed class FunctionCaller(HttpClient http, LoopbackAddress loopback)
{
    public const string HttpClientName = "Nexus.Mcp.Loopback";

    public async Task<CallToolResult> CallAsync(RequestContext<CallToolRequestParams> context, FunctionTool tool, System.Text.Json.Nodes.JsonObject arguments, CancellationToken cancellationToken)
    {
        using var request = BuildRequest(FunctionRequest.For(tool, arguments));
        HttpResponseMessage? response = null;
        using var body = ProgressBody.For(context, tool, () => response?.Content.Headers.ContentType?.MediaType);
        try
        {
            // Read as it arrives, so a streamed function's pieces become progress notifications.
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await response.Content.CopyToAsync(body, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The service could not answer its own call (stopping, or slower than the client's timeout): the caller's
            // tool error, not a JSON-RPC internal error.
            return ToolResults.Error($"{tool.Function.Name} could not be called: {e.Message}");
        }

        using var _ = response;
        return ToolResults.FromResponse(tool.Function.Name, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body.ToArray());
    }

    private HttpRequestMessage BuildRequest(FunctionRequest call)
    {
        var message = new HttpRequestMessage(new HttpMethod(call.Method), new Uri(loopback.Get(), call.Path + call.Query));
        if (call.Body is { } body)
        {
            message.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
        }

        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        return message;
    }
}
