using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nexus.Contract;

namespace Nexus.ServiceDefaults;

/// <summary>Fills the defaults that depend on the host (name, version, instance id) and validates everything at start.</summary>
internal sealed partial class NexusServiceOptionsSetup(ServiceIdentity identity)
    : IPostConfigureOptions<NexusServiceOptions>, IValidateOptions<NexusServiceOptions>
{
    public void PostConfigure(string? name, NexusServiceOptions options)
    {
        options.Name ??= identity.Name;
        options.Version ??= identity.Version;
        options.InstanceId ??= identity.InstanceId;
        if (string.IsNullOrWhiteSpace(options.LogFormat)) options.LogFormat = "json";
    }

    public ValidateOptionsResult Validate(string? name, NexusServiceOptions options)
    {
        var errors = new List<string>();
        if (options.Name is null || !ServiceName().IsMatch(options.Name)) errors.Add($"Nexus:Name '{options.Name}' must be a DNS label: lower-case letters, digits and '-', at most 63.");
        if (!ServiceKinds.All.Contains(options.Kind)) errors.Add($"Nexus:Kind '{options.Kind}' must be one of {string.Join(", ", ServiceKinds.All)}.");
        if (options.InstanceId is null || !InstanceId().IsMatch(options.InstanceId)) errors.Add($"Nexus:InstanceId '{options.InstanceId}' must be 1-128 letters, digits, '.', '_' or '-'.");
        if (options.AdvertisedUrl is { } url && !IsHttpUrl(url)) errors.Add($"Nexus:AdvertisedUrl '{url}' must be an absolute http or https URL.");
        if (options.Registry.Url is { } registry && !IsHttpUrl(registry)) errors.Add($"Nexus:Registry:Url '{registry}' must be an absolute http or https URL.");
        if (options.MaxRequestBodyBytes <= 0) errors.Add("Nexus:MaxRequestBodyBytes must be positive.");
        if (options.LogFormat is not ("json" or "text")) errors.Add($"Nexus:LogFormat '{options.LogFormat}' must be 'json' or 'text'.");
        foreach (var (key, value) in options.Labels)
        {
            if (!LabelKey().IsMatch(key)) errors.Add($"Nexus:Labels key '{key}' must be 1-63 letters, digits, '.', '_', '/' or '-'.");
            if (value.Length > 256) errors.Add($"Nexus:Labels:{key} is longer than 256 characters.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>"Acme.Translate" becomes "acme-translate".</summary>
    internal static string DefaultName(string applicationName)
    {
        var name = NotNameCharacters().Replace(applicationName.ToLowerInvariant().Replace('.', '-'), "-").Trim('-');
        return name.Length == 0 ? "service" : name[..Math.Min(name.Length, 63)].TrimEnd('-');
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex InstanceId();

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,63}$")]
    private static partial Regex LabelKey();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotNameCharacters();
}
