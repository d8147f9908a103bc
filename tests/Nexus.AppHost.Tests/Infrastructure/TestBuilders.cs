using Aspire.Hosting;

namespace Nexus.AppHost.Tests.Infrastructure;

/// <summary>App model builders in run or publish mode, whose data directories live in a throw-away folder.</summary>
internal sealed class TestBuilders : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("nexus-apphost-unit-");

    public string StateDirectory => Path.Combine(_root.FullName, "state");

    /// <summary>A folder holding empty files with these names: a machine where exactly these programs are installed.</summary>
    public Nexus.AppHost.Infrastructure.LocalPrograms Programs(params string[] names)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root.FullName, "bin", Guid.NewGuid().ToString("N"))).FullName;
        foreach (var name in names) File.WriteAllText(Path.Combine(bin, name), "");
        return new([bin]);
    }

    public IDistributedApplicationBuilder Run() => Create([]);

    public IDistributedApplicationBuilder Publish() => Create(["--publisher", "manifest", "--output-path", Path.Combine(_root.FullName, "manifest.json")]);

    private IDistributedApplicationBuilder Create(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = true });
        builder.Configuration[Nexus.AppHost.Infrastructure.InfrastructureBuilder.StateDirectoryKey] = StateDirectory;
        return builder;
    }

    public void Dispose() => _root.Delete(recursive: true);
}
