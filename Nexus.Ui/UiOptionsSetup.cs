using Microsoft.Extensions.Options;

namespace Nexus.Ui;

/// <summary>Falls back to the gateway the AppHost references, then validates every setting at start, all errors together.</summary>
internal sealed class UiOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<UiOptions>, IValidateOptions<UiOptions>
{
    public void PostConfigure(string? name, UiOptions options) =>
        options.GatewayUrl ??= configuration["services:gateway:https:0"] ?? configuration["services:gateway:http:0"];

    public ValidateOptionsResult Validate(string? name, UiOptions options)
    {
        var errors = new List<string>();
        if (options.GatewayUrl is null) errors.Add("Nexus:Ui:GatewayUrl is not set and no gateway is referenced (services__gateway__http__0): the UI talks only to the gateway.");
        else if (!IsHttpUrl(options.GatewayUrl)) errors.Add($"Nexus:Ui:GatewayUrl '{options.GatewayUrl}' must be an absolute http or https URL.");
        if (options.DashboardUrl is { } dashboard && !IsHttpUrl(dashboard)) errors.Add($"Nexus:Ui:DashboardUrl '{dashboard}' must be an absolute http or https URL.");
        if (options.GatewayTimeout <= TimeSpan.Zero) errors.Add("Nexus:Ui:GatewayTimeout must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
