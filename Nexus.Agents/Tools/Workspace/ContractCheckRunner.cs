using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;

namespace Nexus.Agents.Tools.Workspace;

/// <summary>
/// <c>workspace.check_contract</c>: starts the built service on a free loopback port (with none of this service's settings,
/// so it registers nowhere), waits until it answers <c>/alive</c>, runs the contract checker (<c>nexus-contract-check</c>,
/// shipped beside this service) against it, and stops the service whatever happened.
/// </summary>
internal sealed class ContractCheckRunner
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _checker = Path.Combine(AppContext.BaseDirectory, "nexus-contract-check.dll");

    // The checker is a console app referenced by this service; beside it, its dependencies are this service's (some come
    // from ASP.NET Core's shared framework, not from files next to it), so it runs with this service's dependency manifest
    // and runtime configuration.
    private static readonly string Host = Path.Combine(AppContext.BaseDirectory, typeof(ContractCheckRunner).Assembly.GetName().Name!);

    public async Task<object> CheckAsync(RunWorkspace workspace, string project, CancellationToken cancellationToken)
    {
        string projectFile;
        try
        {
            projectFile = ProjectFile(workspace.Resolve(project));
        }
        catch (WorkspacePathException ex)
        {
            return ex.Message;
        }

        if (!File.Exists(_checker) || !File.Exists(Host + ".runtimeconfig.json") || !File.Exists(Host + ".deps.json")) return "The contract checker (nexus-contract-check.dll) is not installed beside the agents service.";
        var assembly = AssemblyName(projectFile);
        var dll = Directory.Exists(Path.Combine(Path.GetDirectoryName(projectFile)!, "bin"))
            ? new DirectoryInfo(Path.Combine(Path.GetDirectoryName(projectFile)!, "bin")).EnumerateFiles(assembly + ".dll", SearchOption.AllDirectories)
                .Where(f => f.Directory!.Name != "ref" && File.Exists(Path.ChangeExtension(f.FullName, ".runtimeconfig.json")))
                .OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()
            : null;
        if (dll is null) return $"'{project}' has no built {assembly}.dll: build it first with workspace.build.";

        var port = FreePort();
        var url = $"http://127.0.0.1:{port}/";
        using var service = workspace.Processes.Start("dotnet", [dll.FullName, "--urls", url], dll.DirectoryName!, new Dictionary<string, string>());
        var started = await WaitAliveAsync(url, service, cancellationToken);
        if (started is not null) return new { passed = false, stage = "start", detail = started, serviceOutput = WorkspaceProcesses.Cut(service.Output, workspace.MaxCharacters) };

        var check = await workspace.Processes.RunAsync("dotnet", ["exec", "--runtimeconfig", Host + ".runtimeconfig.json", "--depsfile", Host + ".deps.json", _checker, url], workspace.Resolve(null), workspace.CommandTimeout, workspace.MaxCharacters, cancellationToken);
        return new
        {
            passed = check.Succeeded,
            exitCode = check.ExitCode,
            report = check.Output,
            serviceOutput = check.Succeeded ? null : WorkspaceProcesses.Cut(service.Output, workspace.MaxCharacters / 2),
        };
    }

    private static string ProjectFile(string target)
    {
        if (File.Exists(target) && target.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)) return target;
        if (!Directory.Exists(target)) throw new WorkspacePathException("The project is not a folder or .csproj of the workspace.");
        var projects = Directory.GetFiles(target, "*.csproj");
        return projects.Length == 1 ? projects[0] : throw new WorkspacePathException($"The folder has {projects.Length} .csproj files; name one.");
    }

    // The output's name: <AssemblyName> when the project sets it, else the project file's name.
    private static string AssemblyName(string projectFile)
    {
        var declared = XDocument.Load(projectFile).Descendants("AssemblyName").Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0 && !v.Contains('$', StringComparison.Ordinal));
        return declared ?? Path.GetFileNameWithoutExtension(projectFile);
    }

    private static async Task<string?> WaitAliveAsync(string url, ChildProcess service, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartTimeout);
        while (true)
        {
            if (service.HasExited) return $"The service exited with code {service.Process.ExitCode} before it answered.";
            try
            {
                using var response = await http.GetAsync(url + "alive", limit.Token);
                return null; // any answer: the checker judges what it says
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (limit.IsCancellationRequested) return $"The service did not answer {url}alive within {StartTimeout.TotalSeconds:0} s.";
            }

            await Task.Delay(200, limit.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
