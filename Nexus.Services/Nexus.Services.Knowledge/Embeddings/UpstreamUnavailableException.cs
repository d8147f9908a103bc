using System.ClientModel;

namespace Nexus.Services.Knowledge.Embeddings;

/// <summary>The embeddings or chat endpoint is not configured, unreachable or refused the call: 503 with the reason.</summary>
internal sealed class UpstreamUnavailableException(string message) : Exception(message)
{
    /// <summary>Whether <paramref name="exception"/> is an endpoint's failure (not the request's own cancellation).</summary>
    public static bool IsUpstreamFailure(Exception exception, CancellationToken cancellationToken) => Unwrap(exception) switch
    {
        ClientResultException or HttpRequestException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static UpstreamUnavailableException From(Upstream upstream, string model, Exception exception) => new(Unwrap(exception) switch
    {
        ClientResultException { Status: > 0 } result => $"The {upstream.What} endpoint at {upstream.BaseUrl} refused model '{model}' (HTTP {result.Status}): {Shorten(result.Message)}",
        OperationCanceledException => $"The {upstream.What} endpoint at {upstream.BaseUrl} did not answer within {upstream.Timeout.TotalSeconds:0} s.",
        _ => $"The {upstream.What} endpoint at {upstream.BaseUrl} cannot be reached: {Shorten(exception.Message)}",
    });

    /// <summary>The SDK's retry policy reports a failure that outlasted its retries as an AggregateException of the attempts.</summary>
    private static Exception Unwrap(Exception exception) => exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[^1] : exception;

    private static string Shorten(string text) => text.Length > 300 ? text[..300] : text;
}
