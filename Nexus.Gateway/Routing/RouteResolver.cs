using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Routing;

/// <summary>What a model or service name resolves to.</summary>
internal enum RouteOutcome
{
    Found,
    Unknown,
    NoneReady,
}

/// <summary>
/// Resolves a model id or service name to upstreams: ready registry instances plus static routes. The upstream
/// objects are built once per registration (registry records are immutable, replaced on change) and per options
/// reload, not per request.
/// </summary>
internal sealed class RouteResolver(IServiceRegistry registry, IOptionsMonitor<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<(string InstanceId, string? Model), (NexusServiceDescriptor Descriptor, Uri BaseUrl, Upstream Upstream)> _registered = new();
    private StaticUpstreams? _static;

    private sealed record StaticUpstreams(GatewayOptions Options, Dictionary<string, Upstream[]> Models, Dictionary<string, Upstream[]> Services);

    /// <summary>
    /// The model's upstreams. An unknown untagged name falls back to its <c>:latest</c> tag, as Ollama resolves it, and
    /// an unknown <c>:latest</c> id to its untagged name (static routes are configured untagged: a colon separates keys).
    /// </summary>
    public (RouteOutcome Outcome, IReadOnlyList<Upstream> Upstreams) ForModel(string model)
    {
        var found = ForExactModel(model);
        if (found.Outcome != RouteOutcome.Unknown) return found;
        return (ModelTags.LatestOf(model) ?? ModelTags.UntaggedOf(model)) is { } sameModel ? ForExactModel(sameModel) : found;
    }

    private (RouteOutcome Outcome, IReadOnlyList<Upstream> Upstreams) ForExactModel(string model)
    {
        var upstreams = new List<Upstream>();
        foreach (var instance in registry.ReadyForModel(model)) upstreams.Add(Registered(instance, model));
        if (Static().Models.TryGetValue(model, out var configured)) upstreams.AddRange(configured);
        if (upstreams.Count > 0) return (RouteOutcome.Found, upstreams);
        var known = registry.Snapshot().Any(i => i.Descriptor.Models?.Any(m => m.Id == model) == true);
        return (known ? RouteOutcome.NoneReady : RouteOutcome.Unknown, upstreams);
    }

    public (RouteOutcome Outcome, IReadOnlyList<Upstream> Upstreams) ForService(string service)
    {
        var upstreams = new List<Upstream>();
        foreach (var instance in registry.ReadyForService(service)) upstreams.Add(Registered(instance, null));
        if (Static().Services.TryGetValue(service, out var configured)) upstreams.AddRange(configured);
        if (upstreams.Count > 0) return (RouteOutcome.Found, upstreams);
        var known = registry.Snapshot().Any(i => i.ServiceName == service);
        return (known ? RouteOutcome.NoneReady : RouteOutcome.Unknown, upstreams);
    }

    /// <summary>A registered instance as an upstream; for a model, the model's own catalog labels override the instance's.</summary>
    private Upstream Registered(RegisteredInstance instance, string? model)
    {
        if (_registered.TryGetValue((instance.InstanceId, model), out var cached)
            && ReferenceEquals(cached.Descriptor, instance.Descriptor) && ReferenceEquals(cached.BaseUrl, instance.BaseUrl))
        {
            return cached.Upstream;
        }

        var labels = new Dictionary<string, string>(instance.Descriptor.Labels, StringComparer.Ordinal);
        if (model is not null && instance.Descriptor.Models?.FirstOrDefault(m => m.Id == model) is { } descriptor)
        {
            foreach (var (key, value) in descriptor.Labels) labels[key] = value;
        }

        var upstream = new Upstream(instance.InstanceId, instance.BaseUrl, labels, null, FromRegistry: true, instance.Descriptor.Version);
        if (_registered.Count > 10_000) _registered.Clear(); // instances come and go; the cache must not grow with them
        _registered[(instance.InstanceId, model)] = (instance.Descriptor, instance.BaseUrl, upstream);
        return upstream;
    }

    private StaticUpstreams Static()
    {
        var current = options.CurrentValue;
        if (_static is { } cached && ReferenceEquals(cached.Options, current)) return cached;
        var built = new StaticUpstreams(current, Build("model", current.Routes.Models), Build("service", current.Routes.Services));
        _static = built;
        return built;
    }

    private static Dictionary<string, Upstream[]> Build(string kind, Dictionary<string, List<StaticUpstream>> routes) =>
        routes.ToDictionary(
            route => route.Key,
            route => route.Value.Select((r, i) => new Upstream($"static:{kind}:{route.Key}:{i}", new Uri(r.Url), r.Labels, r.ApiKey, FromRegistry: false, r.Version)).ToArray(),
            StringComparer.Ordinal);
}
