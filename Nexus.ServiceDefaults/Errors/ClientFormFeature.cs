using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Nexus.ServiceDefaults.Errors;

/// <summary>
/// The form reader of every request. ASP.NET Core's own throws <see cref="InvalidDataException"/> for a malformed
/// multipart or urlencoded body (no boundary, a bad Content-Disposition, a part header over 16 KiB, more than 1024
/// parts) and <see cref="IOException"/> when the body ends before its closing boundary; a handler calling
/// <c>ReadFormAsync</c> would let either become a 500, which the gateway counts against the instance. Both are the
/// client's input, so they become the <see cref="BadHttpRequestException"/> (400) that
/// <see cref="BadRequestExceptionHandler"/> writes in the route's own error format.
/// </summary>
internal sealed class ClientFormFeature(IFormFeature inner) : IFormFeature
{
    public bool HasFormContentType => inner.HasFormContentType;

    public IFormCollection? Form
    {
        get => inner.Form;
        set => inner.Form = value;
    }

    public IFormCollection ReadForm()
    {
        try
        {
            return inner.ReadForm();
        }
        catch (Exception exception) when (IsMalformedBody(exception))
        {
            throw Malformed(exception);
        }
    }

    public async Task<IFormCollection> ReadFormAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await inner.ReadFormAsync(cancellationToken);
        }
        catch (Exception exception) when (IsMalformedBody(exception))
        {
            throw Malformed(exception);
        }
    }

    // Kestrel's own BadHttpRequestException (body cut short, too slow, too large) already carries its status.
    private static bool IsMalformedBody(Exception exception) =>
        exception is InvalidDataException || (exception is IOException && exception is not BadHttpRequestException);

    // The IOException's own text ("the content may have already been read by another component") misleads a client.
    private static BadHttpRequestException Malformed(Exception exception) =>
        new(
            exception is InvalidDataException
                ? $"The form body could not be read: {exception.Message}"
                : "The form body ended before its closing boundary: the multipart body is truncated or not multipart at all.",
            StatusCodes.Status400BadRequest,
            exception);
}

/// <summary>Gives every request a <see cref="ClientFormFeature"/> before anything can read its form.</summary>
internal sealed class ClientFormStartupFilter(IOptions<FormOptions> formOptions) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var options = formOptions.Value;
        app.Use((context, nextMiddleware) =>
        {
            context.Features.Set<IFormFeature>(new ClientFormFeature(new FormFeature(context.Request, options)));
            return nextMiddleware(context);
        });
        next(app);
    };
}
