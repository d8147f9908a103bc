namespace Nexus.AppHost.Publishing;

/// <summary>A project's CPU and memory requests and limits in Kubernetes (quantities as Kubernetes writes them).</summary>
internal sealed record KubernetesResourcesAnnotation(string CpuRequest, string MemoryRequest, string CpuLimit, string MemoryLimit) : IResourceAnnotation
{
    /// <summary>What a Nexus project needs idle, and room to burst: a .NET service at rest uses about 100 MB.</summary>
    public static KubernetesResourcesAnnotation Default { get; } = new("100m", "128Mi", "1", "512Mi");
}

internal static class KubernetesResourcesExtensions
{
    /// <summary>Requests and limits other than <see cref="KubernetesResourcesAnnotation.Default"/> for this project's pods.</summary>
    public static IResourceBuilder<ProjectResource> WithKubernetesResources(this IResourceBuilder<ProjectResource> project,
        string? cpuRequest = null, string? memoryRequest = null, string? cpuLimit = null, string? memoryLimit = null)
    {
        var defaults = KubernetesResourcesAnnotation.Default;
        return project.WithAnnotation(new KubernetesResourcesAnnotation(cpuRequest ?? defaults.CpuRequest, memoryRequest ?? defaults.MemoryRequest,
            cpuLimit ?? defaults.CpuLimit, memoryLimit ?? defaults.MemoryLimit), ResourceAnnotationMutationBehavior.Replace);
    }
}
