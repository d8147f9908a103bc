namespace Nexus.Ui;

/// <summary>Where the UI finds the gateway and the Aspire dashboard (<c>Nexus:Ui</c>).</summary>
internal sealed class UiOptions
{
    public const string SectionName = "Nexus:Ui";

    /// <summary>The gateway's base URL; unset: the gateway the AppHost references (<c>services__gateway__http__0</c>).</summary>
    public string? GatewayUrl { get; set; }

    /// <summary>The Aspire dashboard, linked from the monitoring page when set (the AppHost sets it).</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>Longest wait for one gateway call that is not a stream (streams run until they end or the page leaves).</summary>
    public TimeSpan GatewayTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The folder of the data protection key ring (the keys that encrypt sign-in cookies), when no Redis connection
    /// (<c>ConnectionStrings:redis</c>) holds it. Every UI process that shares it accepts the others' cookies; unset and
    /// without Redis, the keys are in the process's memory and each restart signs everyone out.
    /// </summary>
    public string? DataProtectionKeysPath { get; set; }

    /// <summary>Wrong keys one browser address may type in a minute before its sign-ins are refused (0: no limit).</summary>
    public int SignInFailuresPerMinute { get; set; } = 10;
}
