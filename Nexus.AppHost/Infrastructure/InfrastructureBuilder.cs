using Microsoft.Extensions.DependencyInjection;

namespace Nexus.AppHost.Infrastructure;

/// <summary>What the three infrastructure resources share: where their data lives and how a choice is recorded.</summary>
internal static class InfrastructureBuilder
{
    /// <summary>Configuration key of the directory for local data (default <c>.nexus</c> beside the AppHost project).</summary>
    public const string StateDirectoryKey = "Nexus:AppHost:StateDirectory";

    /// <summary>The data directory of resource <paramref name="name"/>, created if missing; it survives restarts.</summary>
    public static string DataDirectory(this IDistributedApplicationBuilder builder, string name)
    {
        var root = builder.Configuration[StateDirectoryKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(builder.AppHostDirectory, ".nexus");
        var directory = Path.Combine(root, name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public static void RecordLocal(this IDistributedApplicationBuilder builder, string name, string program) =>
        builder.Services.AddSingleton(new InfrastructureChoice(name, program, IsEmbedded: false));

    /// <summary>Nothing runs: every consumer is left without the setting and falls back to its embedded default.</summary>
    public static void RecordEmbedded(this IDistributedApplicationBuilder builder, string name, string reason) =>
        builder.Services.AddSingleton(new InfrastructureChoice(name, $"embedded default ({reason})", IsEmbedded: true));

    /// <summary>A loopback endpoint whose target port DCP chooses; consumers reach it through DCP's proxy, which keeps its
    /// address when the process restarts.</summary>
    public static IResourceBuilder<T> WithLoopbackEndpoint<T>(this IResourceBuilder<T> resource, string name, string scheme)
        where T : IResourceWithEndpoints =>
        resource.WithEndpoint(name, endpoint =>
        {
            endpoint.UriScheme = scheme;
            endpoint.Transport = scheme == "http" ? "http" : "tcp";
            endpoint.TargetHost = "127.0.0.1";
        });
}
