namespace Nexus.AppHost.Hosting;

/// <summary>How infrastructure is provided in run mode.</summary>
public enum InfrastructurePreference
{
    /// <summary>Local binaries, else a container, else the embedded default.</summary>
    Auto,
    Local,
    Container,
    Embedded,
}

/// <summary>A process to start: an argument list, never a shell string.</summary>
internal sealed record LaunchSpec(
    string FileName,
    IReadOnlyList<string> Args,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    int StopSignal = Posix.SigTerm);

/// <summary>What run mode does for one resource, and how that was decided.</summary>
internal sealed class RunPlan
{
    /// <summary>Null for a resource that runs no process (embedded default, database, parameter).</summary>
    public LaunchSpec? Launch { get; init; }

    /// <summary>Null means "running" is healthy.</summary>
    public IHealthProbe? Probe { get; init; }

    /// <summary>Runs once before the first start (e.g. <c>initdb</c>).</summary>
    public Func<CancellationToken, Task>? PrepareAsync { get; init; }

    /// <summary>Runs after each start once healthy (e.g. <c>createdb</c>).</summary>
    public Func<CancellationToken, Task>? AfterHealthyAsync { get; init; }

    /// <summary>A short label for the table: project, local binary, container (podman), embedded, ...</summary>
    public required string How { get; init; }

    public required string Why { get; init; }

    /// <summary>The endpoint shown in the table.</summary>
    public string? Url { get; init; }

    public bool IsEmbedded { get; init; }
}

/// <summary>Everything a resource needs to plan its run.</summary>
internal sealed class RunContext
{
    public required string StateDirectory { get; init; }

    public required string RunId { get; init; }

    public required InfrastructurePreference Preference { get; init; }

    public required HttpClient Http { get; init; }

    public string? OtlpEndpoint { get; init; }

    public string AppHostDirectory { get; init; } = "";

    public string Configuration { get; init; } = "Debug";

    public string TargetFramework { get; init; } = "net10.0";
}
