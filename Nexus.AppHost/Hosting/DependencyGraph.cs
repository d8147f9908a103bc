namespace Nexus.AppHost.Hosting;

/// <summary>Orders resources so that each starts after everything it waits for or references.</summary>
internal static class DependencyGraph
{
    public static IReadOnlyList<Resource> Dependencies(Resource resource) => [.. resource.WaitsFor, .. resource.References.Except(resource.WaitsFor)];

    /// <summary>Dependencies first, otherwise in declaration order; throws naming the cycle when there is one.</summary>
    public static IReadOnlyList<Resource> Sort(IReadOnlyList<Resource> resources)
    {
        var order = new List<Resource>(resources.Count);
        var state = new Dictionary<Resource, bool>(); // false: visiting, true: done
        var path = new Stack<Resource>();

        void Visit(Resource resource)
        {
            if (state.TryGetValue(resource, out var done))
            {
                if (done) return;
                var cycle = path.Reverse().SkipWhile(r => r != resource).Select(r => r.Name).Append(resource.Name);
                throw new InvalidOperationException($"Resources depend on each other in a cycle: {string.Join(" -> ", cycle)}.");
            }

            if (!resources.Contains(resource))
                throw new InvalidOperationException($"Resource '{resource.Name}' is referenced but was not added to this app.");
            state[resource] = false;
            path.Push(resource);
            foreach (var dependency in Dependencies(resource)) Visit(dependency);
            path.Pop();
            state[resource] = true;
            order.Add(resource);
        }

        foreach (var resource in resources) Visit(resource);
        return order;
    }
}
