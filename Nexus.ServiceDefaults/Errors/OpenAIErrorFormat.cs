using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Primitives;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Errors;

/// <summary>Endpoint metadata: errors on this endpoint (validation, size limits, exceptions) use OpenAI's envelope.</summary>
public sealed class OpenAIErrorFormat
{
    public static OpenAIErrorFormat Instance { get; } = new();

    private OpenAIErrorFormat()
    {
    }

    internal static bool AppliesTo(EndpointMetadataCollection? metadata) => metadata?.GetMetadata<OpenAIErrorFormat>() is not null;
}

/// <summary>Writes problem details as OpenAI's error envelope for endpoints marked with <see cref="OpenAIErrorFormat"/>.</summary>
internal sealed class OpenAIErrorWriter(EndpointDataSource endpoints) : IProblemDetailsWriter
{
    private OpenAIRoutes? _openAIRoutes;

    public bool CanWrite(ProblemDetailsContext context) =>
        OpenAIErrorFormat.AppliesTo(context.AdditionalMetadata)
        || OpenAIErrorFormat.AppliesTo(context.HttpContext.GetEndpoint()?.Metadata)
        || (context.HttpContext.GetEndpoint() is not RouteEndpoint && IsOpenAIRoute(context.HttpContext.Request.Path));

    /// <summary>
    /// A wrong method or content type on an OpenAI route is answered by routing's own 405/415 endpoint, which carries
    /// none of the route's metadata: the path tells whose error it is.
    /// </summary>
    private bool IsOpenAIRoute(PathString path)
    {
        if (_openAIRoutes is not { Token.HasChanged: false } routes)
        {
            var token = endpoints.GetChangeToken();
            var matchers = endpoints.Endpoints.OfType<RouteEndpoint>()
                .Where(e => OpenAIErrorFormat.AppliesTo(e.Metadata))
                .Select(e => new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary()))
                .ToArray();
            _openAIRoutes = routes = new OpenAIRoutes(token, matchers);
        }

        return routes.Matchers.Any(matcher => matcher.TryMatch(path, new RouteValueDictionary()));
    }

    private sealed record OpenAIRoutes(IChangeToken Token, TemplateMatcher[] Matchers);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var error = new OpenAIError
        {
            Message = problem.Detail ?? problem.Title ?? "The request failed.",
            Type = OpenAIErrorTypes.ForStatus(status),
            Param = problem.Extensions.TryGetValue("param", out var param) ? param?.ToString() : null,
            Code = problem.Extensions.TryGetValue("code", out var code) ? code?.ToString() : null,
        };

        context.HttpContext.Response.StatusCode = status;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(new OpenAIErrorEnvelope(error), NexusJson.Options));
    }
}

/// <summary>Marks endpoints as OpenAI-compatible for error formatting.</summary>
public static class OpenAIErrorFormatExtensions
{
    /// <summary>Errors from these endpoints, including framework ones (bad JSON, 413), use OpenAI's error envelope.</summary>
    public static TBuilder WithOpenAIErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OpenAIErrorFormat.Instance);
}
