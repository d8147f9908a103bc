using Microsoft.Extensions.Options;

namespace Nexus.ServiceDefaults.Security;

/// <summary>All three files or none, each present and readable: a half-configured mTLS must stop the start, not serve plain.</summary>
internal sealed class MtlsOptionsValidation : IValidateOptions<NexusServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, NexusServiceOptions options)
    {
        var mtls = options.Mtls;
        if (!mtls.Enabled) return ValidateOptionsResult.Success;

        var errors = new List<string>();
        Check(mtls.CaCertificatePath, nameof(MtlsOptions.CaCertificatePath), errors);
        Check(mtls.CertificatePath, nameof(MtlsOptions.CertificatePath), errors);
        Check(mtls.KeyPath, nameof(MtlsOptions.KeyPath), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(string? path, string setting, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(path)) errors.Add($"Nexus:Mtls:{setting} is required when any Nexus:Mtls path is set.");
        else if (!File.Exists(path)) errors.Add($"Nexus:Mtls:{setting} '{path}' does not exist.");
    }
}
