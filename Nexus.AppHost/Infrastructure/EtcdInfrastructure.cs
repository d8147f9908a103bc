namespace Nexus.AppHost.Infrastructure;

/// <summary>etcd for a registry shared by several gateways: a container in the manifest, etcd when installed, else none.</summary>
internal static class EtcdInfrastructure
{
    public const string Image = "quay.io/coreos/etcd";
    public const string Tag = "v3.5.17";

    public static IResourceBuilder<IResourceWithEndpoints>? AddNexusEtcd(this IDistributedApplicationBuilder builder, string name,
        LocalPrograms? programs = null)
    {
        if (builder.ExecutionContext.IsPublishMode) return AddContainer(builder, name);

        if ((programs ?? LocalPrograms.Installed).Find("etcd") is not { } etcd)
        {
            builder.RecordEmbedded(name, "etcd is not installed; the gateway keeps the registry in process");
            return null;
        }

        builder.RecordLocal(name, etcd);
        var data = builder.DataDirectory(name);
        var resource = builder.AddExecutable(name, etcd, data)
            .WithLoopbackEndpoint("http", "http")
            .WithLoopbackEndpoint("peer", "http")
            .WithHttpHealthCheck("/health", endpointName: "http");
        var client = resource.GetEndpoint("http");
        var peer = resource.GetEndpoint("peer");
        var listenClient = ReferenceExpression.Create($"http://127.0.0.1:{client.Property(EndpointProperty.TargetPort)}");
        var listenPeer = ReferenceExpression.Create($"http://127.0.0.1:{peer.Property(EndpointProperty.TargetPort)}");
        return resource.WithArgs(context =>
        {
            context.Args.Add("--name");
            context.Args.Add(name);
            context.Args.Add("--data-dir");
            context.Args.Add(Path.Combine(data, "data"));
            context.Args.Add("--listen-client-urls");
            context.Args.Add(listenClient);
            // Clients are given the proxied address, which stays the same when etcd restarts.
            context.Args.Add("--advertise-client-urls");
            context.Args.Add(client.Property(EndpointProperty.Url));
            context.Args.Add("--listen-peer-urls");
            context.Args.Add(listenPeer);
            context.Args.Add("--initial-advertise-peer-urls");
            context.Args.Add(listenPeer);
            context.Args.Add("--initial-cluster");
            context.Args.Add(ReferenceExpression.Create($"{name}={listenPeer}"));
        });
    }

    private static IResourceBuilder<ContainerResource> AddContainer(IDistributedApplicationBuilder builder, string name)
    {
        var etcd = builder.AddContainer(name, Image, Tag)
            .WithHttpEndpoint(targetPort: 2379, name: "http")
            // Named explicitly: Aspire's default name embeds a hash of the AppHost's path, so each clone would differ.
            .WithVolume($"nexus-{name}-data", "/etcd-data")
            .WithHttpHealthCheck("/health", endpointName: "http");
        return etcd
            .WithEnvironment("ETCD_NAME", name)
            .WithEnvironment("ETCD_DATA_DIR", "/etcd-data")
            .WithEnvironment("ETCD_LISTEN_CLIENT_URLS", "http://0.0.0.0:2379")
            .WithEnvironment("ETCD_ADVERTISE_CLIENT_URLS", etcd.GetEndpoint("http"));
    }
}
