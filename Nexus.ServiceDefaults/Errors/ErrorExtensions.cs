using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nexus.ServiceDefaults.Errors;

internal static class ErrorExtensions
{
    /// <summary>Problem details everywhere, OpenAI's envelope where an endpoint asks, clear 4xx for bad input, a body size limit.</summary>
    public static IServiceCollection AddNexusErrors(this IServiceCollection services)
    {
        // Before AddProblemDetails: the first writer that can write wins, and ours only claims OpenAI routes.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, OpenAIErrorWriter>());
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.TryAdd("requestId", context.HttpContext.TraceIdentifier);

            // Minimal APIs answer an oversized body with a bare 413; say what the limit is.
            if (context.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge) context.ProblemDetails.Detail ??= BodyTooLarge(context.HttpContext);
            if (Activity.Current is { } activity) context.ProblemDetails.Extensions.TryAdd("traceId", activity.TraceId.ToHexString());
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddTransient<IStartupFilter, ClientFormStartupFilter>();

        // Let binding failures reach the exception handler, which explains them, instead of ending as an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelLimitsSetup>();
        return services;
    }

    internal static string BodyTooLarge(HttpContext context) =>
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max
            ? $"The request body is larger than this service accepts (at most {max} bytes)."
            : "The request body is larger than this service accepts.";

    private sealed class KestrelLimitsSetup(IOptions<NexusServiceOptions> options) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions kestrel) => kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBodyBytes;
    }
}
