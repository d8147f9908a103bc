using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Security;

/// <summary>How failed authentication is throttled per client address (<c>Nexus:Security:FailedAuth</c>).</summary>
public sealed class FailedAuthOptions
{
    public const string SectionName = "Nexus:Security:FailedAuth";

    /// <summary>Failures from one address within <see cref="Window"/> after which the address is refused.</summary>
    public int MaxFailures { get; set; } = 10;

    /// <summary>The period over which failures are counted.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an address that reached <see cref="MaxFailures"/> gets 429, whatever it presents.</summary>
    public TimeSpan BlockFor { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Reports every invalid throttle setting together at start.</summary>
internal sealed class FailedAuthOptionsValidator : IValidateOptions<FailedAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, FailedAuthOptions options)
    {
        var errors = new List<string>();
        if (options.MaxFailures is < 1 or > 1_000_000) errors.Add($"{FailedAuthOptions.SectionName}:MaxFailures {options.MaxFailures} must be between 1 and 1000000.");
        if (options.Window < TimeSpan.FromSeconds(1) || options.Window > TimeSpan.FromDays(1)) errors.Add($"{FailedAuthOptions.SectionName}:Window must be between 1 second and 1 day.");
        if (options.BlockFor < TimeSpan.FromSeconds(1) || options.BlockFor > TimeSpan.FromDays(1)) errors.Add($"{FailedAuthOptions.SectionName}:BlockFor must be between 1 second and 1 day.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
