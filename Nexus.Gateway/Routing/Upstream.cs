namespace Nexus.Gateway.Routing;

/// <summary>One place a request can go: a registered instance or a static route's URL.</summary>
internal sealed record Upstream(string InstanceId, Uri BaseUrl, IReadOnlyDictionary<string, string> Labels, string? ApiKey, bool FromRegistry, string? Version = null);
