using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.Ui.Gateway;

/// <summary>One registered instance as the registry API shows it, with its descriptor.</summary>
internal sealed record InstanceInfo(string InstanceId, string Service, string Kind, string Version, string BaseUrl, string State, string? StateReason, NexusServiceDescriptor Descriptor)
{
    public bool IsReady => State == "ready";

    public static InstanceInfo From(JsonObject view) => new(
        view["instanceId"]!.GetValue<string>(),
        view["service"]!.GetValue<string>(),
        view["kind"]?.GetValue<string>() ?? ServiceKinds.Custom,
        view["version"]?.GetValue<string>() ?? "",
        view["baseUrl"]?.GetValue<string>() ?? "",
        view["state"]?.GetValue<string>() ?? "registering",
        view["stateReason"]?.GetValue<string>(),
        view["descriptor"].Deserialize<NexusServiceDescriptor>(NexusJson.Options)!);

    /// <summary>A Fluent badge colour for a state: green ready, amber registering, red unhealthy or gone.</summary>
    public static Microsoft.FluentUI.AspNetCore.Components.BadgeColor StateColor(string state) => state switch
    {
        "ready" => Microsoft.FluentUI.AspNetCore.Components.BadgeColor.Success,
        "registering" => Microsoft.FluentUI.AspNetCore.Components.BadgeColor.Warning,
        _ => Microsoft.FluentUI.AspNetCore.Components.BadgeColor.Danger,
    };
}
