namespace Nexus.AppHost.Hosting;

/// <summary>The life of a resource in run mode.</summary>
public enum ResourceState
{
    Pending,
    Starting,
    Running,
    Healthy,
    Restarting,
    Embedded,
    Failed,
    Stopped,
}
