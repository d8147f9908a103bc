using System.Net;
using Microsoft.Extensions.Options;
using Nexus.ServiceDefaults.Errors;
using Nexus.Services.Inference.Catalog;

namespace Nexus.Services.Inference.Forwarding;

/// <summary>Sends one OpenAI request to the upstream that serves its model and relays the answer.</summary>
internal sealed class Forwarder(UpstreamCatalog catalog, IHttpClientFactory http, IOptions<InferenceOptions> options)
{
    public async Task ForwardAsync(HttpContext context, string path) => await ForwardAsync(context, path, await ReadBodyAsync(context));

    /// <summary>The whole request body: the model is read from it before anything is sent.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        return body.ToArray();
    }

    /// <summary>Forwards a body already read (<see cref="ReadBodyAsync"/>).</summary>
    public async Task ForwardAsync(HttpContext context, string path, byte[] bytes)
    {
        var cancellationToken = context.RequestAborted;
        if (RequestModel.Read(bytes, out var model) is { } invalid)
        {
            await invalid.ExecuteAsync(context);
            return;
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            await OpenAIErrors.BadRequest("'model' is required.", "model").ExecuteAsync(context);
            return;
        }

        if (options.Value.Upstreams.Count == 0)
        {
            await OpenAIErrors.ServiceUnavailable("No inference upstream is configured (Inference:Upstreams).", "no_upstream").ExecuteAsync(context);
            return;
        }

        if (await catalog.FindAsync(model, cancellationToken) is not { } target)
        {
            await OpenAIErrors.NotFound($"The model '{model}' does not exist on any reachable upstream; see /v1/models.", "model").ExecuteAsync(context);
            return;
        }

        using var request = Upstreams.Request(HttpMethod.Post, target.Upstream, path);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new("application/json");

        HttpResponseMessage response;
        try
        {
            // The client's timeout (Inference:UpstreamTimeout) bounds the wait for the headers; a stream may then run longer.
            response = await http.CreateClient(Upstreams.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            await OpenAIErrors.Result(StatusCodes.Status502BadGateway, $"The upstream '{target.Upstream.Name}' is unreachable: {ex.Message}", code: "upstream_unreachable").ExecuteAsync(context);
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await OpenAIErrors.Result(StatusCodes.Status504GatewayTimeout, $"The upstream '{target.Upstream.Name}' did not answer within {options.Value.UpstreamTimeout.TotalSeconds:0} s.", code: "upstream_timeout").ExecuteAsync(context);
            return;
        }

        using (response)
        {
            await RelayAsync(response, context, cancellationToken);
        }
    }

    /// <summary>Status, content type and body as they arrive; each chunk is flushed so SSE events are not held back.</summary>
    private static async Task RelayAsync(HttpResponseMessage response, HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = response.StatusCode == HttpStatusCode.OK ? StatusCodes.Status200OK : (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } contentType) context.Response.ContentType = contentType.ToString();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
        }
    }
}
