using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.Gateway.Registry;

/// <summary>
/// Checks what an instance asks to register: a JSON body with an http(s) base URL that is not this gateway, and a
/// descriptor that satisfies the published schema. Every problem is reported, keyed by the field it concerns.
/// </summary>
internal sealed class RegistrationValidator(SelfAddresses self)
{
    private readonly JsonSchemaValidator _schema = JsonSchemaValidator.ForServiceDescriptor();

    /// <summary>Parses and validates a registration body; returns the request, or the errors by field.</summary>
    public (RegisterInstanceRequest? Request, Dictionary<string, string[]> Errors) Validate(ReadOnlySpan<byte> body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            errors["body"] = [$"The body is not valid JSON: {ex.Message}"];
            return (null, errors);
        }

        if (root is not JsonObject obj)
        {
            errors["body"] = ["The body must be a JSON object with 'baseUrl' and 'descriptor'."];
            return (null, errors);
        }

        var baseUrl = obj["baseUrl"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        var urlError = baseUrl is null ? "'baseUrl' is required and must be a string." : CheckBaseUrl(baseUrl);
        if (urlError is not null) errors["baseUrl"] = [urlError];

        if (obj["descriptor"] is not JsonObject descriptor)
        {
            errors["descriptor"] = ["'descriptor' is required and must be the instance's service descriptor (GET /v1/metadata)."];
            return (null, errors);
        }

        var (parsed, schemaErrors) = ValidateDescriptor(descriptor);
        if (schemaErrors.Count > 0) errors["descriptor"] = [.. schemaErrors];
        return errors.Count > 0 ? (null, errors) : (new RegisterInstanceRequest { BaseUrl = baseUrl!.TrimEnd('/'), Descriptor = parsed! }, errors);
    }

    /// <summary>Validates a descriptor against the published schema and reads it.</summary>
    public (NexusServiceDescriptor? Descriptor, IReadOnlyList<string> Errors) ValidateDescriptor(JsonNode descriptor)
    {
        var schemaErrors = _schema.Validate(descriptor);
        if (schemaErrors.Count > 0) return (null, schemaErrors.Take(20).ToList());
        try
        {
            return (descriptor.Deserialize<NexusServiceDescriptor>(NexusJson.Options), []);
        }
        catch (JsonException ex)
        {
            return (null, [$"The descriptor cannot be read: {ex.Message}"]);
        }
    }

    /// <summary>Why a base URL is refused, or <c>null</c> when it is acceptable.</summary>
    public string? CheckBaseUrl(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return $"'{Truncate(baseUrl)}' is not an absolute http or https URL.";
        }

        if (url.UserInfo.Length > 0) return "The base URL must not carry credentials.";
        if (url.Query.Length > 0 || url.Fragment.Length > 0) return "The base URL must not have a query or fragment.";
        if (self.IsSelf(url)) return $"'{url.GetLeftPart(UriPartial.Authority)}' is this gateway's own address; an instance cannot be the gateway itself.";
        return null;
    }

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..97] + "...";
}
