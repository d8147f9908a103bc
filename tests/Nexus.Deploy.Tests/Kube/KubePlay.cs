using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Nexus.Testing;
using Xunit.Abstractions;

namespace Nexus.Deploy.Tests.Kube;

/// <summary>
/// A place to play the kustomize output with podman: a network of the test's own (a random 10.x.y.0/24, so every pod
/// has a known address, as pods have in a cluster), the two Secrets the README tells an operator to create, and
/// teardown of every pod, volume, network and secret it made.
/// </summary>
internal sealed class KubePlay : IAsyncDisposable
{
    public const string AdminKey = "nxadm-kube-play-test-admin-key";

    private readonly string _network = $"nexus-test-{Guid.NewGuid():N}"[..24];
    private readonly string _prefix = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 256)}";
    private readonly string _directory = Directory.CreateTempSubdirectory("nexus-kube-play-").FullName;
    private readonly List<string> _played = [];
    private readonly ITestOutputHelper _output;

    private KubePlay(ITestOutputHelper output) => _output = output;

    /// <summary>The address of the n-th pod (from 1) on the test's network.</summary>
    public string Ip(int n) => $"{_prefix}.{10 + n}";

    /// <summary>The generated overlay, as <c>kubectl kustomize</c> builds it.</summary>
    public static async Task<string> KustomizeAsync(string overlay)
    {
        var start = new ProcessStartInfo(TestPrograms.Require("kubectl")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(Path.Combine(TestEnvironment.RepositoryRoot(), "deploy", "kubernetes", "overlays", overlay));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.ShouldBe(0, await error);
        return await output;
    }

    public static async Task<KubePlay> CreateAsync(ITestOutputHelper output)
    {
        var play = new KubePlay(output);
        await Podman.RunAsync(TimeSpan.FromMinutes(1), "network", "create", "--subnet", $"{play._prefix}.0/24", play._network);
        await play.CreateSecretAsync("nexus-parameters", new()
        {
            ["registry-token"] = "kube-play-test-registration-token",
            ["bootstrap-admin-key"] = AdminKey,
            // The tenant keys the gateway creates at start for the agents and the knowledge service (nx- and 32 more).
            ["agents-key"] = "nx-kube-play-agents-key-0123456789abcdef",
            ["knowledge-key"] = "nx-kube-play-knowledge-key-0123456789ab",
        });
        return play;
    }

    /// <summary>Plays rendered YAML, one pod per Deployment, with the addresses given in the Deployments' order.</summary>
    public async Task<string> PlayAsync(string name, string yaml, params string[] ips)
    {
        var file = Path.Combine(_directory, name + ".yaml");
        await File.WriteAllTextAsync(file, yaml);
        _played.Add(file);
        return await Podman.RunAsync(TimeSpan.FromMinutes(3), ["kube", "play", "--network", _network, .. ips.SelectMany(ip => new[] { "--ip", ip }), file]);
    }

    /// <summary>Stops and removes the pods of an earlier <see cref="PlayAsync"/>, as deleting their Deployment would.</summary>
    public async Task DownAsync(string name)
    {
        var file = Path.Combine(_directory, name + ".yaml");
        await Podman.RunAsync(TimeSpan.FromMinutes(2), "kube", "down", file);
        _played.Remove(file);
    }

    /// <summary>Podman names a Deployment's container <c>&lt;deployment&gt;-pod-0-&lt;container&gt;</c>.</summary>
    public static string Container(string deployment, string container) => $"{deployment}-pod-0-{container}";

    public async Task WriteLogsAsync(params string[] containers)
    {
        foreach (var container in containers)
        {
            try
            {
                _output.WriteLine($"== {container}\n" + await Podman.RunAsync(TimeSpan.FromMinutes(1), "logs", "--tail", "20", container));
            }
            catch (InvalidOperationException exception)
            {
                _output.WriteLine($"== {container}: {exception.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in Enumerable.Reverse(_played))
        {
            await Quietly("kube", "down", file);
        }

        await Quietly("network", "rm", "-f", _network);
        await Quietly("secret", "rm", "nexus-parameters");
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Podman 4.3 resolves a <c>secretKeyRef</c> from a podman secret holding a JSON object of base64 values.</summary>
    private async Task CreateSecretAsync(string name, Dictionary<string, string> values)
    {
        var file = Path.Combine(_directory, name + ".json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(values.ToDictionary(v => v.Key, v => Convert.ToBase64String(Encoding.UTF8.GetBytes(v.Value)))));
        await Quietly(log: false, "secret", "rm", name); // left by a run that was killed
        await Podman.RunAsync(TimeSpan.FromMinutes(1), "secret", "create", name, file);
        File.Delete(file);
    }

    private Task Quietly(params string[] arguments) => Quietly(log: true, arguments);

    private async Task Quietly(bool log, params string[] arguments)
    {
        try
        {
            await Podman.RunAsync(TimeSpan.FromMinutes(2), arguments);
        }
        catch (InvalidOperationException exception)
        {
            if (log) _output.WriteLine(exception.Message);
        }
    }
}
