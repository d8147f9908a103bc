using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>Run mode: allocates ports, resolves parameters, chooses infrastructure, starts and stops the resources.</summary>
internal sealed class AppRunner(NexusAppBuilder builder)
{
    private readonly NexusAppOptions _options = builder.Options;
    private readonly List<ResourceSupervisor> _supervisors = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private bool _stopped;
    private ProcessLedger? _ledger;

    public IReadOnlyList<ResourceSupervisor> Supervisors => _supervisors;

    public RunContext? Context { get; private set; }

    public ResourceSupervisor Get(string name) =>
        _supervisors.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"No resource named '{name}'.", nameof(name));

    public async Task StartAsync(CancellationToken ct)
    {
        var order = DependencyGraph.Sort(builder.Resources);
        var stateDirectory = Path.GetFullPath(_options.StateDirectory ?? Path.Combine(builder.AppHostDirectory, ".nexus"));
        Directory.CreateDirectory(stateDirectory);
        Context = new RunContext
        {
            StateDirectory = stateDirectory,
            RunId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)),
            Preference = _options.Infrastructure,
            Http = _http,
            OtlpEndpoint = _options.OtlpEndpoint,
            AppHostDirectory = builder.AppHostDirectory,
            Configuration = builder.AppHost.Configuration,
            TargetFramework = builder.AppHost.TargetFramework,
        };

        _ledger = new ProcessLedger(stateDirectory);
        foreach (var leftover in _ledger.StopLeftovers()) _options.Output($"Stopped {leftover}, left running by an app host that did not stop cleanly.");
        AllocatePorts(order);
        ParameterStore.Resolve(order.OfType<ParameterResource>(), stateDirectory);
        var setsid = ToolLocator.Find("setsid");
        foreach (var resource in order)
            _supervisors.Add(new ResourceSupervisor(resource, await PlanAsync(resource, Context, ct).ConfigureAwait(false), _options, setsid, _ledger));

        var started = new Dictionary<Resource, Task>();
        foreach (var supervisor in _supervisors) started[supervisor.Resource] = StartWhenReadyAsync(supervisor, started, ct);
        try
        {
            await Task.WhenAll(started.Values).ConfigureAwait(false);
            await WaitHealthyAsync(_supervisors, "The app", ct).ConfigureAwait(false);
        }
        finally
        {
            _options.Output(StartupTable.Render(_supervisors));
        }

        foreach (var parameter in order.OfType<ParameterResource>().Where(p => p.PrintLabel is not null))
            _options.Output($"{parameter.PrintLabel}: {parameter.Value}");
    }

    private async Task StartWhenReadyAsync(ResourceSupervisor supervisor, Dictionary<Resource, Task> started, CancellationToken ct)
    {
        // Referenced resources start first; WaitFor also gates on health. A value-only resource (a database) is ready when its server is.
        var references = supervisor.Resource.References.Except(supervisor.Resource.WaitsFor).ToList();
        var healthGated = supervisor.Plan.Launch is null && !supervisor.Plan.IsEmbedded
            ? [.. supervisor.Resource.WaitsFor, .. references]
            : supervisor.Resource.WaitsFor;
        await Task.WhenAll(supervisor.Resource.References.Concat(supervisor.Resource.WaitsFor).Select(r => started[r])).ConfigureAwait(false);
        await WaitHealthyAsync(healthGated.Select(Get).ToList(), $"Resource '{supervisor.Name}'", ct).ConfigureAwait(false);
        await supervisor.StartAsync(ct).ConfigureAwait(false);
    }

    private Task WaitHealthyAsync(IReadOnlyList<ResourceSupervisor> supervisors, string waiter, CancellationToken ct) =>
        Task.WhenAll(supervisors.Select(s => WaitHealthyAsync(s, waiter, ct)));

    private ResourceSupervisor Get(Resource resource) => _supervisors.First(s => s.Resource == resource);

    private async Task WaitHealthyAsync(ResourceSupervisor supervisor, string waiter, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.WaitTimeout);
        while (!supervisor.Healthy.IsCompleted)
        {
            if (supervisor.State == ResourceState.Failed)
                throw new ResourceStartException($"{waiter} waits for '{supervisor.Name}', which failed: {supervisor.Describe()}");
            await Task.WhenAny(supervisor.Healthy, Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested && !supervisor.Healthy.IsCompleted)
                throw new ResourceStartException(
                    $"{waiter} waits for '{supervisor.Name}', which did not become healthy within {_options.WaitTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s: {supervisor.Describe()}");
        }
    }

    private void AllocatePorts(IReadOnlyList<Resource> order)
    {
        foreach (var resource in order)
        {
            foreach (var endpoint in resource.Endpoints)
            {
                var stable = endpoint == resource.Endpoints[0] ? _options.PortFor(resource.Name, endpoint.Port) : endpoint.Port;
                if (_options.RandomPorts || stable is null)
                {
                    endpoint.AllocatedPort = PortAllocator.GetFreePort();
                    continue;
                }

                if (!PortAllocator.IsFree(stable.Value))
                    throw new ResourceStartException(
                        $"Port {stable.Value.ToString(CultureInfo.InvariantCulture)} for '{resource.Name}' is in use; choose another with --port {resource.Name}=N or NEXUS_PORT_{resource.Name.ToUpperInvariant().Replace('-', '_')}.");
                endpoint.AllocatedPort = stable;
            }
        }
    }

    private static async Task<RunPlan> PlanAsync(Resource resource, RunContext context, CancellationToken ct) => resource switch
    {
        InfrastructureResource infrastructure => await InfrastructureSelector.SelectAsync(infrastructure, context, ct).ConfigureAwait(false),
        ProjectResource project => ProjectPlan(project, context),
        ExecutableResource executable => ExecutablePlan(executable, context),
        PostgresDatabaseResource database => new RunPlan
        {
            How = database.Server.IsAvailable ? "database" : "embedded",
            Why = database.Server.IsAvailable ? $"created in '{database.Server.Name}'" : $"'{database.Server.Name}' is not running",
            IsEmbedded = !database.Server.IsAvailable,
        },
        _ => new RunPlan { How = "value", Why = "" },
    };

    private static RunPlan ProjectPlan(ProjectResource project, RunContext context)
    {
        var directory = Path.GetDirectoryName(project.ProjectPath)!;
        var assembly = Path.Combine(directory, "bin", context.Configuration, context.TargetFramework, Path.GetFileNameWithoutExtension(project.ProjectPath) + ".dll");
        if (!File.Exists(assembly))
            throw new ResourceStartException($"Resource '{project.Name}' has no build output at {assembly}; build the app host (it builds every project it runs).");
        var dotnet = ToolLocator.Find("dotnet", [Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? ""])
            ?? throw new ResourceStartException("The dotnet host was not found on PATH or in DOTNET_ROOT.");
        var url = new EndpointReference(project, project.Endpoints[0].Name).GetValue()!;
        return new RunPlan
        {
            Launch = new LaunchSpec(dotnet, [assembly], directory, ProjectEnvironment.Build(project, context)),
            Probe = new HttpHealthProbe(context.Http, new Uri($"{url}/health")),
            How = "project",
            Why = $"{Path.GetFileName(project.ProjectPath)} ({context.Configuration})",
            Url = url,
        };
    }

    private static RunPlan ExecutablePlan(ExecutableResource executable, RunContext context)
    {
        var command = Path.IsPathRooted(executable.Command) ? executable.Command : ToolLocator.Find(executable.Command) ?? executable.Command;
        var url = executable.Endpoints.Count > 0 ? new EndpointReference(executable, executable.Endpoints[0].Name).GetValue() : null;
        return new RunPlan
        {
            Launch = new LaunchSpec(command, executable.Args, executable.WorkingDirectory, ProjectEnvironment.Build(executable, context)),
            Probe = executable.HealthPath is { } path && url is not null ? new HttpHealthProbe(context.Http, new Uri(url + path)) : null,
            How = "executable",
            Why = command,
            Url = url,
        };
    }

    /// <summary>Stops in reverse dependency order, each completely before the next.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        for (var i = _supervisors.Count - 1; i >= 0; i--) await _supervisors[i].StopAsync().ConfigureAwait(false);
        _ledger?.Clear();
        _http.Dispose();
    }
}
