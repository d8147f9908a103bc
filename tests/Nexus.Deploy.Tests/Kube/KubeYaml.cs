namespace Nexus.Deploy.Tests.Kube;

/// <summary>The dev overlay's gateway and speech as the kube play tests run them.</summary>
internal static class KubeYaml
{
    /// <summary>The registry probes every half second (default 5 s), so readiness shows within the test's patience.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastProbes = new Dictionary<string, string> { ["Nexus__Registry__Health__ProbeInterval"] = "00:00:00.500" };

    public static PlayedDeployment Gateway(KubePlay play, IReadOnlyDictionary<string, string>? environment = null) =>
        new("gateway", "gateway", $"localhost/nexus-gateway:{ImagesFixture.Version}", play.Ip(1), environment ?? FastProbes);

    public static PlayedDeployment Speech(KubePlay play, string name = "speech", string version = ImagesFixture.Version, int pod = 2,
        IReadOnlyDictionary<string, string>? environment = null) =>
        new(name, "speech", $"localhost/nexus-speech:{version}", play.Ip(pod), environment ?? new Dictionary<string, string>());

    /// <summary>Service name to pod address: the gateway's Service resolves to its one pod.</summary>
    public static IReadOnlyDictionary<string, string> Services(KubePlay play) => new Dictionary<string, string> { ["gateway"] = play.Ip(1) };

    public static string GatewayUrl(KubePlay play) => $"http://{play.Ip(1)}:8080";
}
