namespace Nexus.AppHost.Hosting;

/// <summary>Configures one resource fluently, as Aspire's <c>IResourceBuilder&lt;T&gt;</c>.</summary>
public interface IResourceBuilder<out T> where T : Resource
{
    T Resource { get; }

    NexusAppBuilder ApplicationBuilder { get; }
}

internal sealed class ResourceBuilder<T>(T resource, NexusAppBuilder builder) : IResourceBuilder<T> where T : Resource
{
    public T Resource { get; } = resource;

    public NexusAppBuilder ApplicationBuilder { get; } = builder;
}
