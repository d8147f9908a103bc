using System.Text.RegularExpressions;
using Nexus.ServiceDefaults.Metadata;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Declares minimal-API endpoints as Nexus functions.</summary>
public static partial class NexusFunctionEndpointExtensions
{
    /// <summary>
    /// Marks the endpoint as a Nexus function named <paramref name="name"/>: it appears in <c>/v1/metadata</c> with
    /// input and output schemas generated from the endpoint's own request and response types, and so in the
    /// UI's forms, the agents' tools and the gateway's routes.
    /// </summary>
    public static TBuilder AsNexusFunction<TBuilder>(this TBuilder builder, string name, Action<NexusFunctionBuilder>? configure = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!FunctionName().IsMatch(name))
        {
            throw new ArgumentException($"Function name '{name}' must be 1-64 letters, digits, '_' or '-' (it is also an MCP tool name).", nameof(name));
        }

        var metadata = new NexusFunctionMetadata(name);
        configure?.Invoke(new NexusFunctionBuilder(metadata));
        builder.WithMetadata(metadata);
        return builder;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}
