using Microsoft.AspNetCore.Http.Features;
using Nexus.Contract;

namespace Nexus.Gateway.Apis.Errors;

/// <summary>
/// Writes the framework's own error answers under <c>/v1/</c> (an unknown path, a wrong method or media type, an
/// exception) in OpenAI's envelope, which is all an OpenAI SDK can read: problem details elsewhere. Registered ahead
/// of the default writer, which would otherwise claim them.
/// </summary>
internal sealed class OpenAIProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => OpenAIPaths.Contains(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var (message, code) = Describe(http, status, context.ProblemDetails.Detail);
        var error = new OpenAIError { Message = message, Type = OpenAIErrorTypes.ForStatus(status), Code = code };
        http.Response.StatusCode = status;
        return new ValueTask(http.Response.WriteAsJsonAsync(new OpenAIErrorEnvelope(error), NexusJson.Options));
    }

    private static (string Message, string? Code) Describe(HttpContext http, int status, string? detail)
    {
        var target = $"{http.Request.Method} {http.Features.Get<IHttpRequestFeature>()?.Path ?? http.Request.Path.Value}";
        return status switch
        {
            404 => ($"Unknown request URL: {target}. Please check the URL for typos.", "unknown_url"),
            405 => ($"Method not allowed: {target}. Allowed: {http.Response.Headers.Allow}.", "method_not_allowed"),
            415 => (detail ?? $"Unsupported Content-Type for {target}.", "unsupported_media_type"),
            _ => (detail ?? ReasonOf(status), null),
        };
    }

    private static string ReasonOf(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } reason ? reason + "." : "The request failed.";
}
