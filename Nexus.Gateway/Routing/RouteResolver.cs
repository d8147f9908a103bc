using System.Collections.Concurrent;
using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Routing.Static;

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
/// objects are built once per registration (registry records are immutable, replaced on change) and per change of
/// the static routes, not per request.
/// </summary>
internal sealed class RouteResolver(IServiceRegistry registry, StaticRoutes staticRoutes)
{
    private readonly ConcurrentDictionary<(string InstanceId, string? Model), (NexusServiceDescriptor Descriptor, Uri BaseUrl, Upstream Upstream)> _registered = new();
    private StaticUpstreams? _static;

    private sealed record StaticUpstreams(StaticRouteSet Routes, Dictionary<string, Upstream[]> Models, Dictionary<string, Upstream[]> Services);

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
        Static().Models.TryGetValue(model, out var configured);
        var found = Combine(registry.ReadyForModel(model), model, configured);
        if (found.Count > 0) return (RouteOutcome.Found, found);
        return (registry.IsKnownModel(model) ? RouteOutcome.NoneReady : RouteOutcome.Unknown, found);
    }

    public (RouteOutcome Outcome, IReadOnlyList<Upstream> Upstreams) ForService(string service)
    {
        Static().Services.TryGetValue(service, out var configured);
        var found = Combine(registry.ReadyForService(service), null, configured);
        if (found.Count > 0) return (RouteOutcome.Found, found);
        return (registry.IsKnownService(service) ? RouteOutcome.NoneReady : RouteOutcome.Unknown, found);
    }

    // A static route alone, the common case without a registry, is answered with its prebuilt array.
    private IReadOnlyList<Upstream> Combine(IReadOnlyList<RegisteredInstance> ready, string? model, Upstream[]? configured)
    {
        if (ready.Count == 0) return configured ?? [];
        var upstreams = new List<Upstream>(ready.Count + (configured?.Length ?? 0));
        foreach (var instance in ready) upstreams.Add(Registered(instance, model));
        if (configured is not null) upstreams.AddRange(configured);
        return upstreams;
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
        var routes = staticRoutes.Current;
        if (_static is { } cached && ReferenceEquals(cached.Routes, routes)) return cached;
        var built = new StaticUpstreams(routes, Build(routes.Models), Build(routes.Services));
        _static = built;
        return built;
    }

    private static Dictionary<string, Upstream[]> Build(IReadOnlyDictionary<string, StaticRoute> routes) =>
        routes.Values.ToDictionary(route => route.Name, route => route.Upstreams.Select(u => StaticUpstreamOf(route, u)).ToArray(), StringComparer.Ordinal);

    // Named by route and address, so a route whose URL changes starts with a fresh circuit and load count for the new
    // address, while one address keeps its own through a reload. Any user info in the URL stays out of the name.
    private static Upstream StaticUpstreamOf(StaticRoute route, StaticUpstream upstream)
    {
        var url = new Uri(upstream.Url);
        var address = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        var id = $"static:{route.Kind.Name()}:{route.Name}:{address}";
        return new Upstream(id, url, upstream.Labels, upstream.ApiKey, FromRegistry: false, upstream.Version);
    }
}
