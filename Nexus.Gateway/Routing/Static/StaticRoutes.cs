using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Routing.Static;

/// <summary>
/// Holds the <see cref="StaticRouteSet"/> in force, rebuilt only when configuration reloads or the stored routes change,
/// so a request reads it without allocating.
/// </summary>
internal sealed class StaticRoutes(IOptionsMonitor<GatewayOptions> options)
{
    private IReadOnlyList<StoredRoute> _stored = [];
    private Built? _built;

    private sealed record Built(GatewayOptions Options, IReadOnlyList<StoredRoute> Stored, StaticRouteSet Set);

    public StaticRouteSet Current
    {
        get
        {
            var configured = options.CurrentValue;
            var stored = Volatile.Read(ref _stored);
            if (_built is { } built && ReferenceEquals(built.Options, configured) && ReferenceEquals(built.Stored, stored)) return built.Set;
            var set = new StaticRouteSet(configured.Routes, stored);
            _built = new Built(configured, stored, set);
            return set;
        }
    }

    /// <summary>
    /// Takes the store's routes, keeping those held (and the set built from them) when none was added, removed or
    /// changed. Called by <see cref="StoredRouteRefresher"/> alone, one read at a time.
    /// </summary>
    public void Update(IReadOnlyList<StoredRoute> stored)
    {
        if (!SameRoutes(Volatile.Read(ref _stored), stored)) Volatile.Write(ref _stored, stored);
    }

    // A stored route's time grows with every change (the store guarantees it), so kind, name and time identify a version.
    private static bool SameRoutes(IReadOnlyList<StoredRoute> held, IReadOnlyList<StoredRoute> read) =>
        held.Count == read.Count
        && held.Select(r => (r.Kind, r.Name, r.UpdatedAt)).ToHashSet().SetEquals(read.Select(r => (r.Kind, r.Name, r.UpdatedAt)));
}
