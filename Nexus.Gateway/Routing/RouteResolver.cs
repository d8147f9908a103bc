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
internal sealed class RouteResolver(IServiceRegistry registry, StaticRoutes staticRoutes, StaticReachability reachability)
{
    private readonly ConcurrentDictionary<(string InstanceId, string? Model), (NexusServiceDescriptor Descriptor, Uri BaseUrl, Upstream Upstream)> _registered = new();
    private readonly ConcurrentDictionary<(string Name, bool IsModel), Combined> _combined = new();
    private StaticSnapshot? _static;

    // One route's upstreams as last combined from the registry's ready instances (an array the registry replaces
    // whenever an instance changes) and the static route's (replaced with the routes or their reachability).
    private sealed record Combined(IReadOnlyList<RegisteredInstance> Ready, Upstream[]? Configured, Upstream[] Upstreams);

    // All static upstreams, and per route those reachable (an empty array for a route whose upstreams are all down).
    private sealed record StaticSnapshot(StaticRouteSet Routes, int Reachability, Upstream[] All, Dictionary<string, Upstream[]> Models, Dictionary<string, Upstream[]> Services);

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
        var isStatic = Static().Models.TryGetValue(model, out var configured);
        var found = Combine(registry.ReadyForModel(model), model, model, configured);
        if (found.Count > 0) return (RouteOutcome.Found, found);
        return (isStatic || registry.IsKnownModel(model) ? RouteOutcome.NoneReady : RouteOutcome.Unknown, found);
    }

    public (RouteOutcome Outcome, IReadOnlyList<Upstream> Upstreams) ForService(string service)
    {
        var isStatic = Static().Services.TryGetValue(service, out var configured);
        var found = Combine(registry.ReadyForService(service), service, null, configured);
        if (found.Count > 0) return (RouteOutcome.Found, found);
        return (isStatic || registry.IsKnownService(service) ? RouteOutcome.NoneReady : RouteOutcome.Unknown, found);
    }

    // A static route alone, the common case without a registry, is answered with its prebuilt array; registered
    // instances with the array combined for the same registry and static arrays, so a request allocates no list.
    private IReadOnlyList<Upstream> Combine(IReadOnlyList<RegisteredInstance> ready, string name, string? model, Upstream[]? configured)
    {
        if (ready.Count == 0) return configured ?? [];
        var key = (name, model is not null);
        if (_combined.TryGetValue(key, out var cached) && ReferenceEquals(cached.Ready, ready) && ReferenceEquals(cached.Configured, configured))
        {
            return cached.Upstreams;
        }

        var upstreams = new Upstream[ready.Count + (configured?.Length ?? 0)];
        for (var i = 0; i < ready.Count; i++) upstreams[i] = Registered(ready[i], model);
        configured?.CopyTo(upstreams, ready.Count);
        if (_combined.Count > 10_000) _combined.Clear(); // names come from requests' models: bounded like _registered
        _combined[key] = new Combined(ready, configured, upstreams);
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

    /// <summary>Whether a static model route has an upstream the last probe reached (what <c>/v1/models</c> lists).</summary>
    public bool IsStaticModelReachable(string model) => Static().Models.TryGetValue(model, out var upstreams) && upstreams.Length > 0;

    /// <summary>Every static upstream in force, reachable or not, for the prober.</summary>
    public IReadOnlyList<Upstream> StaticUpstreams() => Static().All;

    private StaticSnapshot Static()
    {
        var routes = staticRoutes.Current;
        var version = reachability.Version;
        if (_static is { } cached && ReferenceEquals(cached.Routes, routes) && cached.Reachability == version) return cached;
        var all = new List<Upstream>();
        var models = Build(routes.Models, all);
        var services = Build(routes.Services, all);
        var built = new StaticSnapshot(routes, version, [.. all], models, services);
        _static = built;
        return built;
    }

    private Dictionary<string, Upstream[]> Build(IReadOnlyDictionary<string, StaticRoute> routes, List<Upstream> all)
    {
        var built = new Dictionary<string, Upstream[]>(StringComparer.Ordinal);
        foreach (var route in routes.Values)
        {
            var upstreams = route.Upstreams.Select(u => StaticUpstreamOf(route, u)).ToArray();
            all.AddRange(upstreams);
            built[route.Name] = [.. upstreams.Where(u => !reachability.IsDown(u.InstanceId))];
        }

        return built;
    }

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
