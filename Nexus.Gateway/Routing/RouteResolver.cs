using Microsoft.Extensions.Options;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Routing;

/// <summary>What a model or service name resolves to.</summary>
internal enum RouteOutcome
{
    Found,
    Unknown,
    NoneReady,
}

/// <summary>Resolves a model id or service name to upstreams: ready registry instances plus static routes.</summary>
internal sealed class RouteResolver(IServiceRegistry registry, IOptionsMonitor<GatewayOptions> options)
{
    public (RouteOutcome Outcome, IReadOnlyList<Upstream> Upstreams) ForModel(string model)
    {
        var upstreams = new List<Upstream>();
        foreach (var instance in registry.ReadyForModel(model))
        {
            var labels = new Dictionary<string, string>(instance.Descriptor.Labels, StringComparer.Ordinal);
            var descriptor = instance.Descriptor.Models?.FirstOrDefault(m => m.Id == model);
            if (descriptor is not null)
            {
                foreach (var (key, value) in descriptor.Labels) labels[key] = value;
            }

            upstreams.Add(new Upstream(instance.InstanceId, instance.BaseUrl, labels, null, FromRegistry: true, instance.Descriptor.Version));
        }

        AddStatic(upstreams, "model", model, options.CurrentValue.Routes.Models);
        if (upstreams.Count > 0) return (RouteOutcome.Found, upstreams);
        var known = registry.Snapshot().Any(i => i.Descriptor.Models?.Any(m => m.Id == model) == true);
        return (known ? RouteOutcome.NoneReady : RouteOutcome.Unknown, upstreams);
    }

    public (RouteOutcome Outcome, IReadOnlyList<Upstream> Upstreams) ForService(string service)
    {
        var upstreams = registry.ReadyForService(service)
            .Select(i => new Upstream(i.InstanceId, i.BaseUrl, i.Descriptor.Labels, null, FromRegistry: true, i.Descriptor.Version))
            .ToList();
        AddStatic(upstreams, "service", service, options.CurrentValue.Routes.Services);
        if (upstreams.Count > 0) return (RouteOutcome.Found, upstreams);
        var known = registry.Snapshot().Any(i => i.ServiceName == service);
        return (known ? RouteOutcome.NoneReady : RouteOutcome.Unknown, upstreams);
    }

    private static void AddStatic(List<Upstream> upstreams, string kind, string name, Dictionary<string, List<StaticUpstream>> routes)
    {
        if (!routes.TryGetValue(name, out var configured)) return;
        for (var i = 0; i < configured.Count; i++)
        {
            var route = configured[i];
            upstreams.Add(new Upstream($"static:{kind}:{name}:{i}", new Uri(route.Url), route.Labels, route.ApiKey, FromRegistry: false, route.Version));
        }
    }
}
