using System.Net;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Security;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Gateway.Apis.Files;

/// <summary>
/// <c>GET /v1/images/files/{link}.png</c>: downloads an image a service generated for <c>response_format: url</c>,
/// from the instance that holds it. The link is the credential, as OpenAI's own image URLs are: a browser's
/// <c>&lt;img src&gt;</c> or a plain download works without the key, until the link expires.
/// </summary>
internal static class ImageFilesApi
{
    public static IEndpointRouteBuilder MapImageFilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(ImageLinks.Path + "/{link}.png", DownloadAsync)
            .WithOpenAIErrors()
            .WithName("images.files")
            .WithSummary("Downloads a generated image by the link an images answer gave (response_format: url), until the link expires.");
        return app;
    }

    private static async Task DownloadAsync(string link, HttpContext context, ImageLinks links, UpstreamInvoker upstreams, IOptionsMonitor<GatewayOptions> options)
    {
        if (links.Open(link) is not var (source, isStatic))
        {
            await GatewayErrors.WriteAsync(context, StatusCodes.Status404NotFound, "This image link is unknown or has expired.", code: "image_not_found");
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.CurrentValue.UpstreamTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, source);
        if (isStatic) request.Options.Set(UpstreamAddressPolicy.StaticUpstream, true);
        HttpResponseMessage response;
        try
        {
            response = await upstreams.Invoker.SendAsync(request, timeout.Token);
        }
        catch (HttpRequestException)
        {
            await GatewayErrors.WriteAsync(context, StatusCodes.Status502BadGateway, "The service that generated the image could not be reached.", code: "upstream_error");
            return;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await GatewayErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "The service that generated the image did not answer in time.", code: "upstream_timeout");
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using (response)
        {
            // A service keeps a bounded number of images: an older one may be gone before its link expires.
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                await GatewayErrors.WriteAsync(context, StatusCodes.Status404NotFound, "The service no longer holds this image.", code: "image_not_found");
                return;
            }

            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "image/png")
            {
                await GatewayErrors.WriteAsync(context, StatusCodes.Status502BadGateway, $"The service that generated the image answered {(int)response.StatusCode}.", code: "upstream_error");
                return;
            }

            context.Response.ContentType = "image/png";
            context.Response.ContentLength = response.Content.Headers.ContentLength;
            context.Response.Headers.CacheControl = "private, max-age=3600";
            try
            {
                await response.Content.CopyToAsync(context.Response.Body, timeout.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException)
            {
                // The client or the instance went away mid-image; the client sees the cut.
                context.Abort();
            }
        }
    }
}
