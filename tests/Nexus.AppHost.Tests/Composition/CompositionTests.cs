using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Nexus.AppHost.Lifecycle;

namespace Nexus.AppHost.Tests.Composition;

/// <summary>The real composition (Program.cs) in run mode, as a model: built, not started.</summary>
[Collection(Publishing.AppHostEntryPoint.Name)]
public sealed class CompositionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task RunMode_EveryProject_StartsItsBuiltProgramDirectlyNotThroughDotnetRun()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Nexus_AppHost>([], (o, _) => o.DisableDashboard = true)
            .WaitAsync(Timeout);

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var launch = project.Annotations.OfType<ExecutableAnnotation>().ShouldHaveSingleItem(project.Name);
            Path.GetFileNameWithoutExtension(launch.Command).ShouldBe("dotnet");
            File.Exists(launch.Command).ShouldBeTrue(launch.Command);
            launch.WorkingDirectory.ShouldBe(Path.GetDirectoryName(project.GetProjectMetadata().ProjectPath));
            var args = await ArgumentsAsync(project);
            args.ShouldNotContain("run");
            Path.GetFileName(args[0]).ShouldBe(Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath) + ".dll");
            File.Exists(args[0]).ShouldBeTrue(args[0]);
        }
    }

    [Fact]
    public async Task RunMode_Services_StartBesideTheGatewayYetStopBeforeIt()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Nexus_AppHost>([], (o, _) => o.DisableDashboard = true)
            .WaitAsync(Timeout);
        var projects = builder.Resources.OfType<ProjectResource>().ToList();
        var gateway = projects.Single(p => p.Name == "gateway");
        var services = projects.Where(p => p != gateway).ToList();
        services.ShouldNotBeEmpty();

        foreach (var service in services) service.Annotations.OfType<WaitAnnotation>().ShouldNotContain(w => w.Resource == gateway, service.Name);
        var waves = OrderedShutdown.StopOrder([.. projects]);

        // Knowledge embeds with the inference service directly, so inference stops after it; the gateway stops last.
        var direct = services.Where(s => s.Name != "inference").Select(s => s.Name).Order();
        waves.Select(w => w.Select(r => r.Name).Order().ToArray()).ShouldBe([[.. direct], ["inference"], ["gateway"]]);
    }

    private static async Task<List<string>> ArgumentsAsync(IResource resource)
    {
        var context = new CommandLineArgsCallbackContext([], resource);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>()) await callback.Callback(context);
        return context.Args.Select(a => a.ToString()!).ToList();
    }
}
