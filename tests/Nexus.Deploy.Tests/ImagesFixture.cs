using Nexus.Testing;

namespace Nexus.Deploy.Tests;

/// <summary>Builds the gateway and speech images once per test run with deploy/images/build.sh on the local debootstrap
/// base (made once and kept in podman's store, as are the engines' package layers, so later runs only publish).</summary>
public sealed class ImagesFixture : IAsyncLifetime
{
    public const string Version = "deploy-test";

    public string? SkipReason { get; private set; }

    public TimeSpan BuildTime { get; private set; }

    public async Task InitializeAsync()
    {
        // Podman runs containers here as root only; the test follows the same rule as a missing program.
        if (TestPrograms.Find("podman") is null || TestPrograms.Find("debootstrap") is null || Environment.UserName != "root")
        {
            if (TestEnvironment.IsCi) throw new InvalidOperationException("podman and debootstrap, run as root, are required in CI; .ci/run installs them.");
            SkipReason = "podman and debootstrap as root are needed to build the images.";
            return;
        }

        var started = DateTime.UtcNow;
        var output = Path.Combine(Path.GetTempPath(), $"nexus-images-{Guid.NewGuid():N}");
        try
        {
            await Podman.ExecAsync(
                Path.Combine(TestEnvironment.RepositoryRoot(), "deploy", "images", "build.sh"),
                ["gateway", "speech"],
                new Dictionary<string, string> { ["BASE"] = "local", ["VERSION"] = Version, ["OUT"] = output },
                TimeSpan.FromMinutes(30));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }

        BuildTime = DateTime.UtcNow - started;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
