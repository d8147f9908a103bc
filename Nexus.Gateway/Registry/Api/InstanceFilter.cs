namespace Nexus.Gateway.Registry.Api;

/// <summary>
/// The listing's query: <c>service</c>, <c>kind</c>, <c>model</c>, <c>state</c> and any number of
/// <c>label=key=value</c>; every given criterion must hold.
/// </summary>
internal sealed record InstanceFilter(string? Service, string? Kind, string? Model, InstanceState? State, IReadOnlyList<KeyValuePair<string, string>> Labels)
{
    /// <summary>Reads the query; returns the errors by parameter when it cannot be understood.</summary>
    public static (InstanceFilter? Filter, Dictionary<string, string[]> Errors) Parse(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        InstanceState? state = null;
        if (query["state"].ToString() is { Length: > 0 } stateText)
        {
            if (Enum.TryParse<InstanceState>(stateText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(stateText, out _)) state = parsed;
            else errors["state"] = [$"'{stateText}' is not a state; use registering, ready, unhealthy or gone."];
        }

        var labels = new List<KeyValuePair<string, string>>();
        foreach (var label in query["label"].OfType<string>())
        {
            var separator = label.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0) errors["label"] = [$"'{label}' must be key=value."];
            else labels.Add(new(label[..separator], label[(separator + 1)..]));
        }

        if (errors.Count > 0) return (null, errors);
        return (new InstanceFilter(Empty(query["service"]), Empty(query["kind"]), Empty(query["model"]), state, labels), errors);
    }

    public bool Matches(RegisteredInstance instance)
    {
        var descriptor = instance.Descriptor;
        if (Service is not null && !string.Equals(descriptor.Name, Service, StringComparison.Ordinal)) return false;
        if (Kind is not null && !string.Equals(descriptor.Kind, Kind, StringComparison.Ordinal)) return false;
        if (State is { } state && instance.State != state) return false;
        if (Model is not null && descriptor.Models?.Any(m => string.Equals(m.Id, Model, StringComparison.Ordinal)) != true) return false;
        return Labels.All(l => descriptor.Labels.TryGetValue(l.Key, out var value) && string.Equals(value, l.Value, StringComparison.Ordinal));
    }

    private static string? Empty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;
}
