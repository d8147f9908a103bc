using System.Text.Json.Serialization;

namespace Nexus.Contract;

/// <summary>
/// The service descriptor served at <c>GET /v1/metadata</c>: what a service is, where it listens, what it can do
/// and which models it serves. Every part of Nexus (gateway, registry, UI, agents, docs) reads it.
/// </summary>
public sealed record NexusServiceDescriptor
{
    /// <summary>The version of this contract that the descriptor follows.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Version of the descriptor format; <see cref="CurrentSchemaVersion"/> for this library.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Stable service name, lower-case letters, digits and dashes (e.g. <c>speech</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The service's own version (semantic version recommended).</summary>
    public required string Version { get; init; }

    /// <summary>One or two sentences for humans.</summary>
    public string? Description { get; init; }

    /// <summary>One of <see cref="ServiceKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Identifies this running instance; unique among the instances of the service.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Routing labels such as <c>host</c>, <c>gpu</c> and <c>tier</c>, from configuration <c>Nexus:Labels:*</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Absolute base URLs the instance can be reached at, the advertised one first.</summary>
    public IReadOnlyList<string> BaseUrls { get; init; } = [];

    /// <summary>Paths of the contract's standard endpoints, relative to a base URL.</summary>
    public ContractEndpoints Endpoints { get; init; } = new();

    /// <summary>The operations the service offers; each maps 1:1 onto an MCP tool.</summary>
    public IReadOnlyList<FunctionDescriptor> Functions { get; init; } = [];

    /// <summary>The models the service serves, when it serves any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ModelDescriptor>? Models { get; init; }
}

/// <summary>Where the standard endpoints live, so services in other languages may place them elsewhere.</summary>
public sealed record ContractEndpoints
{
    public string Health { get; init; } = ContractPaths.Health;
    public string Alive { get; init; } = ContractPaths.Alive;
    public string Metrics { get; init; } = ContractPaths.Metrics;
    public string OpenApi { get; init; } = ContractPaths.OpenApi;
    public string Docs { get; init; } = ContractPaths.Docs;
}

/// <summary>The kinds of service Nexus knows how to present.</summary>
public static class ServiceKinds
{
    public const string Inference = "inference";
    public const string Image = "image";
    public const string Speech = "speech";
    public const string Ocr = "ocr";
    public const string Agents = "agents";
    public const string Ui = "ui";
    public const string Custom = "custom";

    /// <summary>Every kind, in the order the schema lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Inference, Image, Speech, Ocr, Agents, Ui, Custom];
}
