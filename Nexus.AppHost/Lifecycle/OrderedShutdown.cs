using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nexus.AppHost.Lifecycle;

/// <summary>
/// Stops the resources in reverse dependency order before Aspire stops whatever is left (the dashboard last). DCP stops
/// everything at once: the services could not deregister from the gateway, the gateway could not flush its audit batch to
/// PostgreSQL, and each project's last OTLP export waited out its 10 s timeout on the dashboard that was already gone.
/// </summary>
/// <remarks>Registered after Aspire's own hosted services, so the host stops it first.</remarks>
internal sealed class OrderedShutdown(DistributedApplicationModel model, ResourceNotificationService notifications, ResourceCommandService commands,
    ILogger<OrderedShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var wave in StopOrder(model.Resources.Where(IsRunning).ToList()))
        {
            await Task.WhenAll(wave.Select(resource => StopAsync(resource, cancellationToken))).ConfigureAwait(false);
        }
    }

    /// <summary>Waves of resources to stop together: first those nothing still running depends on, then what they depended on.</summary>
    internal static List<List<IResource>> StopOrder(IReadOnlyCollection<IResource> resources)
    {
        var dependencies = resources.ToDictionary(r => r, r => DependenciesOf(r).Where(resources.Contains).ToHashSet());
        var waves = new List<List<IResource>>();
        var left = resources.ToHashSet();
        while (left.Count > 0)
        {
            var wave = left.Where(r => !left.Any(other => dependencies[other].Contains(r))).ToList();
            // A cycle (two resources referencing each other) has no order; stop what remains together rather than never.
            if (wave.Count == 0) wave = [.. left];
            waves.Add(wave);
            left.ExceptWith(wave);
        }

        return waves;
    }

    /// <summary>
    /// What a resource waits for or references (<c>WithReference</c>, an endpoint in its environment): the services start
    /// beside the gateway without waiting for it, yet must still stop before it, so they can deregister. A database stands
    /// for the server it lives in.
    /// </summary>
    private static IEnumerable<IResource> DependenciesOf(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource)
            .Concat(resource.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource))
            .Select(dependency => dependency is IResourceWithParent child ? child.Parent : dependency)
            .Where(dependency => dependency != resource);

    private bool IsRunning(IResource resource) =>
        resource is ProjectResource or ExecutableResource
        && notifications.TryGetCurrentState(resource.Name, out var state)
        && !state.Snapshot.IsHidden
        && state.Snapshot.State?.Text == KnownResourceStates.Running;

    private async Task StopAsync(IResource resource, CancellationToken cancellationToken)
    {
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken).ConfigureAwait(false);
        if (!result.Success) AppHostLog.StopFailed(logger, resource.Name, result.Message);
    }
}
