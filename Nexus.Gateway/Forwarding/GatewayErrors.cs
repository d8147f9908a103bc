using Nexus.Contract;

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
}
