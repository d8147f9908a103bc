using Nexus.Contract;

namespace Nexus.ServiceDefaults;

/// <summary>A service's identity and contract settings, bound from the <c>Nexus</c> configuration section.</summary>
public sealed class NexusServiceOptions
{
    public const string SectionName = "Nexus";

    /// <summary>Service name (DNS label); defaults to the application name, lower-cased, dots as dashes.</summary>
    public string? Name { get; set; }

    /// <summary>One of <see cref="ServiceKinds"/>; <c>custom</c> when unset.</summary>
    public string Kind { get; set; } = ServiceKinds.Custom;

    public string? Description { get; set; }

    /// <summary>Defaults to the entry assembly's informational version.</summary>
    public string? Version { get; set; }

    /// <summary>Defaults to <c>{name}-{8 random hex digits}</c>, fixed for the life of the process.</summary>
    public string? InstanceId { get; set; }

    /// <summary>The URL other hosts reach this instance at; detected from the listening address when unset.</summary>
    public string? AdvertisedUrl { get; set; }

    /// <summary>Routing labels (<c>Nexus:Labels:gpu=a100</c>, <c>Nexus:Labels:tier=premium</c>, ...).</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Largest request body accepted, in bytes, before a 413 (default 32 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Console log format: <c>json</c> (default) or <c>text</c>.</summary>
    public string LogFormat { get; set; } = "json";

    public RegistryClientOptions Registry { get; set; } = new();

    public McpOptions Mcp { get; set; } = new();

    public MtlsOptions Mtls { get; set; } = new();
}

/// <summary>The service's own MCP endpoint (<c>Nexus:Mcp</c>).</summary>
public sealed class McpOptions
{
    /// <summary>Set false to serve no <c>/mcp</c> (and register nothing of MCP): read once, at start.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Where and how the service registers itself (<c>Nexus:Registry</c>).</summary>
public sealed class RegistryClientOptions
{
    /// <summary>The registry's base URL (a service name such as <c>http://gateway</c> resolves through service discovery);
    /// falls back to the gateway the AppHost references (<c>services__gateway__http__0</c>).</summary>
    public string? Url { get; set; }

    /// <summary>The registration token the registry expects.</summary>
    public string? Token { get; set; }

    /// <summary>Set false to serve without registering even when a registry is configured.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Longest wait between attempts while the registry is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
