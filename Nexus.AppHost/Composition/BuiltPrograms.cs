using System.Reflection;
using System.Runtime.InteropServices;

namespace Nexus.AppHost.Composition;

/// <summary>
/// In run mode, DCP starts a project's built program directly instead of through <c>dotnet run --no-build</c>.
/// </summary>
/// <remarks>
/// <c>dotnet run</c> evaluates the project with MSBuild before it starts the program, for every project at once, on every
/// start and every restart, and stays as a wrapper process around it. Aspire 13.6 launches a project resource that carries an
/// <see cref="ExecutableAnnotation"/> with that command instead of <c>dotnet run</c> (its project launch recipe), and
/// keeps everything else a project gets (endpoints, <c>ASPNETCORE_URLS</c>, OTLP, references, the dashboard's view).
/// Building the AppHost builds every project it references, so the program is as current as <c>dotnet run --no-build</c>
/// would have run. Where each program lies is recorded at build time (the <c>RecordNexusProgramPaths</c> target in
/// Nexus.AppHost.csproj); a project without a recorded, existing program keeps Aspire's <c>dotnet run</c>.
/// </remarks>
internal static class BuiltPrograms
{
    /// <summary>Prefix of the AppHost's <see cref="AssemblyMetadataAttribute"/> keys: the project's path follows it, the
    /// value is its built assembly.</summary>
    public const string MetadataPrefix = "Nexus.ProgramPath:";

    public static IResourceBuilder<ProjectResource> WithBuiltProgram(this IResourceBuilder<ProjectResource> project)
    {
        if (!project.ApplicationBuilder.ExecutionContext.IsRunMode) return project;
        var projectPath = project.Resource.GetProjectMetadata().ProjectPath;
        if (Find(typeof(BuiltPrograms).Assembly, projectPath) is not { } program || Muxer() is not { } dotnet) return project;

        project.WithAnnotation(new ExecutableAnnotation { Command = dotnet, WorkingDirectory = Path.GetDirectoryName(projectPath)! },
            ResourceAnnotationMutationBehavior.Replace);
        // `dotnet <assembly>` runs the program in that process: no wrapper for DCP to stop, nothing evaluated.
        return project.WithArgs(program);
    }

    /// <summary>The built assembly recorded for <paramref name="projectPath"/>, when it exists.</summary>
    internal static string? Find(Assembly appHost, string projectPath)
    {
        var key = MetadataPrefix + Path.GetFullPath(projectPath);
        var program = appHost.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => string.Equals(a.Key, key, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))?.Value;
        return program is { Length: > 0 } && File.Exists(program) ? program : null;
    }

    /// <summary>The <c>dotnet</c> host that runs the AppHost itself: the runtime lives in its <c>shared/</c> folder.</summary>
    private static string? Muxer()
    {
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var muxer = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(muxer) ? muxer : null;
    }
}
