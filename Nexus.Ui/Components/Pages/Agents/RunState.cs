using Microsoft.FluentUI.AspNetCore.Components;

namespace Nexus.Ui.Components.Pages.Agents;

/// <summary>A run state's badge colour: green completed, amber running or waiting, red stopped, failed or cancelled.</summary>
internal static class RunState
{
    public static BadgeColor Color(string state) => state switch
    {
        "completed" => BadgeColor.Success,
        "running" or "waiting_for_approval" => BadgeColor.Warning,
        _ => BadgeColor.Danger,
    };
}
