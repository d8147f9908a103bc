using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;

namespace Nexus.AppHost.Lifecycle;

/// <summary>Once every resource is healthy: a table of what runs where and how, the dashboard's login URL, and the values
/// of parameters marked to be printed (the bootstrap admin key).</summary>
internal sealed class StartupSummary(ResourceNotificationService notifications, IEnumerable<InfrastructureChoice> choices, IConfiguration configuration,
    IHostApplicationLifetime lifetime, ILogger<StartupSummary> logger)
{
    /// <summary>The summary's last line: scripts wait for it (bench/apphost/measure.sh).</summary>
    public const string ReadyLine = "All resources are healthy. Press Ctrl+C to stop.";

    private readonly long _started = Stopwatch.GetTimestamp();

    public Task OnResourcesCreatedAsync(AfterResourcesCreatedEvent @event)
    {
        // In the background: the event is raised before the resources start, and they start only once it returns.
        _ = PrintWhenHealthyAsync(@event.Model, lifetime.ApplicationStopping);
        return Task.CompletedTask;
    }

    private async Task PrintWhenHealthyAsync(DistributedApplicationModel model, CancellationToken ct)
    {
        try
        {
            var resources = model.Resources.Where(IsShown).ToList();
            await Task.WhenAll(resources.Select(r => notifications.WaitForResourceHealthyAsync(r.Name, ct))).ConfigureAwait(false);
            // The console, not the log: a table a person reads, and a last line scripts wait for.
            await Console.Out.WriteAsync(await RenderAsync(model, resources, Stopwatch.GetElapsedTime(_started), ct).ConfigureAwait(false)).ConfigureAwait(false);
            await Console.Out.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped before everything was healthy.
        }
        catch (Exception exception) when (exception is InvalidOperationException or DistributedApplicationException)
        {
            AppHostLog.SummaryFailed(logger, exception);
        }
    }

    /// <summary>Resources a person sees on the dashboard's resources page: not parameters, hidden or explicit-start ones.</summary>
    private bool IsShown(IResource resource) =>
        resource is not ParameterResource
        && !resource.TryGetLastAnnotation<ExplicitStartupAnnotation>(out _)
        && !(notifications.TryGetCurrentState(resource.Name, out var state) && state.Snapshot.IsHidden);

    private async Task<string> RenderAsync(DistributedApplicationModel model, List<IResource> resources, TimeSpan elapsed, CancellationToken ct)
    {
        var rows = new List<string[]> { new[] { "RESOURCE", "URL", "HOW" } };
        foreach (var resource in resources) rows.Add([resource.Name, Url(resource), How(resource)]);
        foreach (var choice in choices.Where(c => c.IsEmbedded)) rows.Add([choice.Name, "-", choice.How]);
        var widths = Enumerable.Range(0, 2).Select(column => rows.Max(row => row[column].Length) + 2).ToArray();

        var text = new StringBuilder().AppendLine();
        foreach (var row in rows) text.Append(row[0].PadRight(widths[0])).Append(row[1].PadRight(widths[1])).AppendLine(row[2]);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Healthy {elapsed.TotalSeconds:0.0} s after the AppHost started.");
        if (DashboardLoginUrl(model) is { } dashboard) text.AppendLine(CultureInfo.InvariantCulture, $"Dashboard: {dashboard}");
        foreach (var parameter in model.Resources.OfType<ParameterResource>())
        {
            if (parameter.TryGetLastAnnotation<PrintedValueAnnotation>(out var printed))
                text.AppendLine(CultureInfo.InvariantCulture, $"{printed.Label}: {await parameter.GetValueAsync(ct).ConfigureAwait(false)}");
        }

        return text.AppendLine(ReadyLine).ToString();
    }

    private static string Url(IResource resource) =>
        resource is IResourceWithEndpoints withEndpoints
        && withEndpoints.Annotations.OfType<EndpointAnnotation>().FirstOrDefault()?.AllocatedEndpoint is { } endpoint
            ? endpoint.UriString
            : "-";

    private string How(IResource resource) => resource switch
    {
        ProjectResource project => $"project {Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath)}",
        IResourceWithParent child => $"database in {child.Parent.Name}",
        _ => choices.FirstOrDefault(c => c.Name == resource.Name)?.How is { } how ? $"local binary {how}" : resource.GetType().Name,
    };

    /// <summary>The address Aspire prints as "Login to the dashboard at": its first URL with the browser token.</summary>
    private string? DashboardLoginUrl(DistributedApplicationModel model)
    {
        if (!model.Resources.Any(r => r.Name == "aspire-dashboard")) return null;
        if (configuration["ASPNETCORE_URLS"]?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is not { } url) return null;
        return configuration["AppHost:BrowserToken"] is { Length: > 0 } token ? $"{url.TrimEnd('/')}/login?t={token}" : url;
    }
}
