using Nexus.Testing;

namespace Nexus.Deploy.Tests;

/// <summary>Every podman test of this project shares one <see cref="ImagesFixture"/>: the images are built once a run.</summary>
[CollectionDefinition(Name)]
public sealed class ImagesCollection : ICollectionFixture<ImagesFixture>
{
    public const string Name = "images";
}

/// <summary>Builds the gateway and speech images once per test run with deploy/images/build.sh on the local debootstrap
/// base (made once and kept in podman's store, as are the engines' package layers, so later runs only publish), and from
/// the same speech publish a broken version 2: the image without its engines' packages, whose readiness fails.</summary>
public sealed class ImagesFixture : IAsyncLifetime
{
    public const string Version = "deploy-test";

    /// <summary>Speech without espeak-ng, pocketsphinx and ffmpeg: it starts, answers /alive and fails /health.</summary>
    public const string BrokenSpeechVersion = "deploy-test-v2-broken";

    private readonly string _output = Path.Combine(Path.GetTempPath(), $"nexus-images-{Guid.NewGuid():N}");

    public string? SkipReason { get; private set; }

    public TimeSpan BuildTime { get; private set; }

    public async Task InitializeAsync()
    {
        // Podman runs containers here as root only; the test follows the same rule as a missing program.
        if (TestPrograms.Find("podman") is null || TestPrograms.Find("debootstrap") is null || TestPrograms.Find("kubectl") is null
            || Environment.UserName != "root")
        {
            if (TestEnvironment.IsCi) throw new InvalidOperationException("podman, debootstrap and kubectl, run as root, are required in CI; .ci/run installs them.");
            SkipReason = "podman and debootstrap as root, and kubectl, are needed to build the images and play the Kubernetes YAML.";
            return;
        }

        var started = DateTime.UtcNow;
        var here = Path.Combine(TestEnvironment.RepositoryRoot(), "deploy", "images");
        await Podman.ExecAsync(Path.Combine(here, "build.sh"), ["gateway", "speech"],
            new Dictionary<string, string> { ["BASE"] = "local", ["VERSION"] = Version, ["OUT"] = _output },
            TimeSpan.FromMinutes(30));
        // The same Containerfile and publish output, built as a release that forgot its engines would be.
        await Podman.RunAsync(TimeSpan.FromMinutes(10), "build", "-f", Path.Combine(here, "Containerfile"),
            "--build-arg", "BASE=localhost/debian-base:bookworm", "--build-arg", "APP=Nexus.Services.Speech", "--build-arg", "NAME=speech",
            "--build-arg", "PACKAGES=", "--build-arg", "VERSION=2.0.0",
            "-t", $"localhost/nexus-speech:{BrokenSpeechVersion}", Path.Combine(_output, "speech"));
        BuildTime = DateTime.UtcNow - started;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }
}
