using Nexus.Contract;

namespace Nexus.Gateway.Apis.Errors;

/// <summary>An error the gateway answers before any endpoint runs: OpenAI's envelope under <c>/v1/</c>, problem details elsewhere.</summary>
internal static class ErrorAnswer
{
    public static Task WriteAsync(HttpContext context, IProblemDetailsService problems, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        if (OpenAIPaths.Contains(context.Request.Path))
        {
            var error = new OpenAIError { Message = message, Type = OpenAIErrorTypes.ForStatus(status), Code = code };
            return context.Response.WriteAsJsonAsync(new OpenAIErrorEnvelope(error), NexusJson.Options);
        }

        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), Detail = message },
        }).AsTask();
    }
}
