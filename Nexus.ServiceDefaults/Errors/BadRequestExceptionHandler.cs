using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Nexus.ServiceDefaults.Errors;

/// <summary>
/// Turns the framework's <see cref="BadHttpRequestException"/> (malformed JSON or form, missing body, body over the
/// size limit, body too slow) into a 4xx with a message that says what was wrong, instead of a bare status or a 500.
/// Everything else falls through to the default 500 problem, which reveals nothing internal.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is InvalidOperationException && UnknownCharset(httpContext.Request) is { } charset)
        {
            exception = new BadHttpRequestException($"The request's charset '{charset}' is not an encoding this service can read; send UTF-8.", StatusCodes.Status415UnsupportedMediaType, exception);
        }

        if (exception is not BadHttpRequestException bad) return false;

        var status = bad.StatusCode;
        httpContext.Response.StatusCode = status;
        var feature = httpContext.Features.Get<IExceptionHandlerFeature>();
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            AdditionalMetadata = feature?.Endpoint?.Metadata,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = status == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : ReasonPhrases.GetReasonPhrase(status),
                Detail = status == StatusCodes.Status413PayloadTooLarge ? ErrorExtensions.BodyTooLarge(httpContext) : bad.Message,
            },
        });
    }

    /// <summary>
    /// The body readers throw InvalidOperationException for a Content-Type charset that names no encoding
    /// (<c>application/json; charset=nonsense</c>): the client's request, so a 415 rather than a 500.
    /// </summary>
    private static string? UnknownCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || HeaderUtilities.RemoveQuotes(mediaType.Charset) is not { Length: > 0 } charset) return null;
        try
        {
            Encoding.GetEncoding(charset.ToString());
            return null;
        }
        catch (ArgumentException)
        {
            return charset.ToString();
        }
    }
}
