using Nexus.Contract;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding;

/// <summary>Writes errors in OpenAI's envelope, the one format every OpenAI SDK understands.</summary>
internal static class GatewayErrors
{
    public static async Task WriteAsync(HttpContext context, int status, string message, string? param = null, string? code = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(
            new OpenAIErrorEnvelope(new OpenAIError { Message = message, Type = OpenAIErrorTypes.ForStatus(status), Param = param, Code = code }),
            NexusJson.Options,
            CancellationToken.None);
    }

    /// <summary>A refusal by one of the gateway's steps: counted by reason, then written.</summary>
    public static Task RejectAsync(HttpContext context, GatewayMetrics metrics, string reason, int status, string message, string? param = null, string? code = null)
    {
        metrics.Rejected(reason);
        return WriteAsync(context, status, message, param, code);
    }
}
