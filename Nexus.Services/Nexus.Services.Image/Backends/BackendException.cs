namespace Nexus.Services.Image.Backends;

/// <summary>A backend could not draw; <see cref="Status"/> is the HTTP status the client gets, with the message.</summary>
internal abstract class BackendException(string message, int status, string code) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>The engine is missing, unreachable or too slow: a 503 that says which and why.</summary>
internal sealed class BackendUnavailableException(string message) : BackendException(message, StatusCodes.Status503ServiceUnavailable, "engine_unavailable");

/// <summary>The engine answered but refused or failed the job (invalid graph, failed node): a 502 with its message.</summary>
internal sealed class BackendFailedException(string message) : BackendException(message, StatusCodes.Status502BadGateway, "engine_error");
