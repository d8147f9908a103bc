using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Registry;

/// <summary>Reports every invalid registry setting together at start.</summary>
internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var errors = new List<string>();
        if (options.Token is { Length: < 16 }) errors.Add("Nexus:Registry:Token must be at least 16 characters (or unset, to generate one).");
        if (options.LeaseSeconds is < 2 or > 3600) errors.Add($"Nexus:Registry:LeaseSeconds {options.LeaseSeconds} must be between 2 and 3600.");
        if (options.MaxDescriptorBytes is < 1024 or > 64 * 1024 * 1024) errors.Add($"Nexus:Registry:MaxDescriptorBytes {options.MaxDescriptorBytes} must be between 1 KiB and 64 MiB.");
        for (var i = 0; i < options.AllowedNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(options.AllowedNetworks[i], out _))
            {
                errors.Add($"Nexus:Registry:AllowedNetworks:{i} '{options.AllowedNetworks[i]}' is not a network in CIDR notation, such as 10.0.0.0/8 or fd00::/8.");
            }
        }

        if (options.GoneServiceGrace < TimeSpan.Zero || options.GoneServiceGrace > TimeSpan.FromDays(7)) errors.Add("Nexus:Registry:GoneServiceGrace must be between 0 and 7 days.");

        var health = options.Health;
        if (health.ProbeInterval < TimeSpan.FromMilliseconds(50)) errors.Add("Nexus:Registry:Health:ProbeInterval must be at least 50 ms.");
        if (health.ProbeTimeout <= TimeSpan.Zero) errors.Add("Nexus:Registry:Health:ProbeTimeout must be positive.");
        if (health.HealthyThreshold < 1) errors.Add("Nexus:Registry:Health:HealthyThreshold must be at least 1.");
        if (health.UnhealthyThreshold < 1) errors.Add("Nexus:Registry:Health:UnhealthyThreshold must be at least 1.");

        var etcd = options.Etcd;
        if (etcd.Url is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add($"Nexus:Registry:Etcd:Url '{url}' must be an absolute http or https URL.");
        }

        if (string.IsNullOrEmpty(etcd.Prefix) || !etcd.Prefix.EndsWith('/')) errors.Add("Nexus:Registry:Etcd:Prefix must be non-empty and end with '/'.");
        if (etcd.RequestTimeout <= TimeSpan.Zero) errors.Add("Nexus:Registry:Etcd:RequestTimeout must be positive.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
