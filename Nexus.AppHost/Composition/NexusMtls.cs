using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nexus.ServiceDefaults.Security;

namespace Nexus.AppHost.Composition;

/// <summary>
/// Internal mutual TLS between the gateway and the services, off unless the AppHost's configuration sets
/// <c>Nexus:Mtls:Enabled=true</c> (e.g. <c>dotnet run --project Nexus.AppHost -- --Nexus:Mtls:Enabled=true</c>).
/// In run mode a new local CA and one certificate per project are issued on every start into the AppHost's user data
/// folder (removed when the AppHost stops); in publish mode the paths point at the Kubernetes Secret each pod mounts.
/// A service's endpoint becomes https, and a plain <c>health</c> endpoint on loopback serves the AppHost's health check,
/// which cannot present a certificate (ServiceDefaults serves only <c>/health</c> and <c>/alive</c> there).
/// </summary>
internal static class NexusMtls
{
    public const string EnabledSetting = "Nexus:Mtls:Enabled";

    /// <summary>The plain HTTP endpoint that carries only the health probes while mTLS is on.</summary>
    public const string HealthEndpoint = "health";

    /// <summary>Where a pod mounts its Secret (<c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c>, cert-manager's names).</summary>
    public const string MountPath = "/etc/nexus/mtls";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public static bool IsNexusMtlsEnabled(this IDistributedApplicationBuilder builder) => builder.Configuration.GetValue<bool>(EnabledSetting);

    /// <summary>The gateway's side: its certificate, presented to the services; its own endpoint stays as it is.</summary>
    public static IResourceBuilder<ProjectResource> WithNexusMtlsClient(this IResourceBuilder<ProjectResource> project)
    {
        if (!project.ApplicationBuilder.IsNexusMtlsEnabled()) return project;
        var files = project.ApplicationBuilder.ExecutionContext.IsRunMode
            ? Authority(project.ApplicationBuilder).IssueFor(project.Resource.Name)
            : new MtlsFiles($"{MountPath}/ca.crt", $"{MountPath}/tls.crt", $"{MountPath}/tls.key");
        return project
            .WithAnnotation(new NexusMtlsAnnotation())
            .WithEnvironment("Nexus__Mtls__CaCertificatePath", files.CaCertificatePath)
            .WithEnvironment("Nexus__Mtls__CertificatePath", files.CertificatePath)
            .WithEnvironment("Nexus__Mtls__KeyPath", files.KeyPath);
    }

    /// <summary>
    /// A service's side: its endpoint (still named <c>http</c>, so references to it are unchanged) becomes https, with
    /// the certificate, and the plain <see cref="HealthEndpoint"/> appears for health checks.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithNexusMtlsServer(this IResourceBuilder<ProjectResource> project)
    {
        if (!project.ApplicationBuilder.IsNexusMtlsEnabled()) return project;
        return project
            .WithEndpoint("http", endpoint => endpoint.UriScheme = "https", createIfNotExists: false)
            .WithHttpEndpoint(name: HealthEndpoint)
            .WithNexusMtlsClient();
    }

    /// <summary>The endpoint a project's health check uses: the plain health one under mTLS, else the default.</summary>
    public static string? HealthCheckEndpoint(this IResourceBuilder<ProjectResource> project) =>
        project.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == HealthEndpoint) ? HealthEndpoint : null;

    private static IssuedAuthority Authority(IDistributedApplicationBuilder builder)
    {
        if (builder.Services.FirstOrDefault(d => d.ServiceType == typeof(IssuedAuthority))?.ImplementationInstance is IssuedAuthority issued) return issued;
        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "Nexus", "AppHost", "mtls", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
        issued = new IssuedAuthority(LocalCertificateAuthority.Create("Nexus local CA", Lifetime), folder);
        builder.Services.AddSingleton(issued);
        builder.Services.AddHostedService(sp => new IssuedFilesRemoval(sp.GetRequiredService<IssuedAuthority>()));
        return issued;
    }

    /// <summary>This run's CA and the folder of its files.</summary>
    internal sealed class IssuedAuthority(LocalCertificateAuthority authority, string folder) : IDisposable
    {
        public string Folder { get; } = folder;

        /// <summary>A project's certificate, for the names a local caller dials it by.</summary>
        public MtlsFiles IssueFor(string name) =>
            authority.IssueFiles(Folder, name, [name, "localhost", "127.0.0.1", "::1", Dns.GetHostName()], Lifetime);

        public void Dispose() => authority.Dispose();
    }

    /// <summary>Removes the run's keys when the AppHost stops: the next run issues new ones.</summary>
    private sealed class IssuedFilesRemoval(IssuedAuthority issued) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            if (Directory.Exists(issued.Folder)) Directory.Delete(issued.Folder, recursive: true);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Marks a project configured for internal mTLS (the Kubernetes publisher mounts its Secret).</summary>
internal sealed class NexusMtlsAnnotation : IResourceAnnotation;
