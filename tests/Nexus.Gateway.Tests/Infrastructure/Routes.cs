namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>Static route settings (<c>Nexus:Gateway:Routes</c>) for tests.</summary>
public static class Routes
{
    public static Dictionary<string, string?> Model(string model, params FakeUpstream[] upstreams) => Build("Models", model, upstreams);

    public static Dictionary<string, string?> Service(string service, params FakeUpstream[] upstreams) => Build("Services", service, upstreams);

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, string key, string? value)
    {
        settings[key] = value;
        return settings;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, Dictionary<string, string?> more)
    {
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private static Dictionary<string, string?> Build(string kind, string name, FakeUpstream[] upstreams)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < upstreams.Length; i++) settings[$"Nexus:Gateway:Routes:{kind}:{name}:{i}:Url"] = upstreams[i].BaseAddress.ToString();
        return settings;
    }
}
