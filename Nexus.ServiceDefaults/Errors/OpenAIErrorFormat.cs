using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
internal sealed class OpenAIErrorWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) =>
        OpenAIErrorFormat.AppliesTo(context.AdditionalMetadata) || OpenAIErrorFormat.AppliesTo(context.HttpContext.GetEndpoint()?.Metadata);

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
