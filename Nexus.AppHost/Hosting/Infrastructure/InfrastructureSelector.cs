using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>Chooses local binaries, a container or the embedded default for an infrastructure resource, with the reason.</summary>
internal static class InfrastructureSelector
{
    private static readonly string[] Runtimes = ["podman", "docker"];

    public static async Task<RunPlan> SelectAsync(InfrastructureResource resource, RunContext context, CancellationToken ct)
    {
        var reasons = new List<string>();
        if (context.Preference == InfrastructurePreference.Embedded) reasons.Add("embedded requested (--infrastructure embedded)");

        if (context.Preference is InfrastructurePreference.Auto or InfrastructurePreference.Local)
        {
            var (plan, reason) = await resource.TryLocalAsync(context, ct).ConfigureAwait(false);
            if (plan is not null) return plan;
            reasons.Add(reason);
        }

        if (context.Preference is InfrastructurePreference.Auto or InfrastructurePreference.Container)
        {
            var (plan, reason) = await TryContainerAsync(resource, context, ct).ConfigureAwait(false);
            if (plan is not null) return plan;
            reasons.Add(reason);
        }

        resource.IsAvailable = false;
        return new RunPlan { How = "embedded", Why = $"{resource.EmbeddedFallback}: {string.Join("; ", reasons)}", IsEmbedded = true };
    }

    private static async Task<(RunPlan?, string)> TryContainerAsync(InfrastructureResource resource, RunContext context, CancellationToken ct)
    {
        var image = $"{resource.Image}:{resource.Tag}";
        var reasons = new List<string>();
        foreach (var name in Runtimes)
        {
            if (ToolLocator.Find(name) is not { } runtime) continue;
            var inspect = await CommandRunner.RunAsync(runtime, ["image", "inspect", image], TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
            if (inspect.ExitCode != 0)
            {
                reasons.Add($"{name} cannot provide image {image} ({Explanation(inspect.Output)})");
                continue;
            }

            var containerName = $"nexus-{resource.Name}-{context.RunId}";
            var args = new List<string> { "run", "--rm", "--name", containerName };
            foreach (var endpoint in resource.Endpoints)
                args.AddRange(["-p", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{endpoint.AllocatedPort}:{endpoint.TargetPort}")]);
            foreach (var (key, value) in resource.ContainerEnvironment) args.AddRange(["-e", $"{key}={value.GetValue()}"]);
            foreach (var (volume, target) in resource.Volumes) args.AddRange(["-v", $"{volume}:{target}"]);
            args.Add(image);
            args.AddRange(resource.ContainerArgs);

            var plan = new RunPlan
            {
                // The runtime's client forwards the stop signal to the container (--sig-proxy) and removes it (--rm).
                Launch = new LaunchSpec(runtime, args, context.StateDirectory, new Dictionary<string, string>()),
                Probe = resource.CreateContainerProbe(context),
                AfterHealthyAsync = token => resource.AfterContainerHealthyAsync(runtime, containerName, token),
                How = $"container ({name})",
                Why = $"image {image} is present",
                Url = resource.Endpoints.FirstOrDefault() is { } e ? $"{e.Scheme}://127.0.0.1:{e.AllocatedPort}" : null,
            };
            return (plan, "");
        }

        return (null, reasons.Count == 0 ? "no podman or docker installed" : string.Join("; ", reasons));
    }

    /// <summary>The runtime's error line (e.g. "Cannot connect to the Docker daemon"), not the empty JSON list it also prints.</summary>
    private static string Explanation(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l != "[]") ?? "no output";
}
