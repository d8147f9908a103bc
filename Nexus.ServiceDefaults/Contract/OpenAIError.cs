using System.Text.Json.Serialization;

namespace Nexus.Contract;

/// <summary>OpenAI's error envelope: <c>{"error":{"message","type","param","code"}}</c>, used on OpenAI-compatible routes.</summary>
public sealed record OpenAIErrorEnvelope(OpenAIError Error);

/// <summary>The body of OpenAI's error envelope. <c>param</c> and <c>code</c> are always written, <c>null</c> when unknown.</summary>
public sealed record OpenAIError
{
    public required string Message { get; init; }

    public required string Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; }
}

/// <summary>The <c>type</c> values OpenAI's API uses.</summary>
public static class OpenAIErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RateLimit = "rate_limit_error";
    public const string Server = "server_error";
    public const string ServiceUnavailable = "service_unavailable";

    /// <summary>The type OpenAI uses for an HTTP status.</summary>
    public static string ForStatus(int status) => status switch
    {
        401 => Authentication,
        403 => Permission,
        404 => NotFound,
        429 => RateLimit,
        502 or 503 or 504 => ServiceUnavailable,
        >= 500 => Server,
        _ => InvalidRequest,
    };
}
