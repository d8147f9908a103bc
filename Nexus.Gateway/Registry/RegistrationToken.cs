using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Registry;

/// <summary>
/// The registration token: <c>Nexus:Registry:Token</c>, or one generated for the life of this process and logged
/// once, so a single gateway works with no setup while a fleet shares a configured token.
/// </summary>
internal sealed partial class RegistrationToken
{
    public RegistrationToken(IOptions<RegistryOptions> options, ILogger<RegistrationToken> logger)
    {
        if (options.Value.Token is { } configured)
        {
            Value = configured;
            return;
        }

        Value = InstanceSecrets.Generate();
        LogGenerated(logger, Value);
    }

    public string Value { get; }

    public bool Accepts(string? presented) => presented is not null && InstanceSecrets.SameToken(presented, Value);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "No registration token is configured (Nexus:Registry:Token); services must register with this one, generated for this process: {Token}")]
    private static partial void LogGenerated(ILogger logger, string token);
}
