using Microsoft.AspNetCore.Http;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Errors;

/// <summary>Results in OpenAI's error envelope, for handlers of OpenAI-compatible routes.</summary>
public static class OpenAIErrors
{
    /// <summary>An error in OpenAI's envelope with the given status.</summary>
    public static IResult Result(int status, string message, string? param = null, string? code = null, string? type = null) =>
        TypedResults.Json(
            new OpenAIErrorEnvelope(new OpenAIError { Message = message, Type = type ?? OpenAIErrorTypes.ForStatus(status), Param = param, Code = code }),
            NexusJson.Options,
            statusCode: status);

    public static IResult BadRequest(string message, string? param = null, string? code = null) =>
        Result(StatusCodes.Status400BadRequest, message, param, code);

    public static IResult NotFound(string message, string? param = null, string? code = "model_not_found") =>
        Result(StatusCodes.Status404NotFound, message, param, code);

    public static IResult ServiceUnavailable(string message, string? code = "engine_unavailable") =>
        Result(StatusCodes.Status503ServiceUnavailable, message, code: code);
}
