namespace Nexus.Contract;

/// <summary>The contract's well-known paths and headers.</summary>
public static class ContractPaths
{
    public const string Metadata = "/v1/metadata";
    public const string MetadataSchema = "/v1/metadata/schema";
    public const string Health = "/health";
    public const string Alive = "/alive";
    public const string Metrics = "/metrics";
    public const string OpenApi = "/openapi/v1.json";
    public const string Docs = "/docs";

    /// <summary>Registry collection; <c>{Instances}/{id}</c> is one instance, <c>{Instances}/{id}/lease</c> its lease.</summary>
    public const string RegistryInstances = "/v1/registry/instances";

    public static string RegistryInstance(string instanceId) => $"{RegistryInstances}/{Uri.EscapeDataString(instanceId)}";

    public static string RegistryLease(string instanceId) => $"{RegistryInstance(instanceId)}/lease";
}

/// <summary>HTTP headers the contract defines.</summary>
public static class ContractHeaders
{
    /// <summary>Correlation id: accepted when safe, generated otherwise, echoed on every response.</summary>
    public const string RequestId = "X-Request-Id";
}
