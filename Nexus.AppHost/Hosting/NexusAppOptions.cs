using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>
/// How the app host runs, from its command line and environment: <c>--publisher manifest --output-path FILE</c>,
/// <c>--infrastructure auto|local|container|embedded</c> (<c>NEXUS_INFRASTRUCTURE</c>), <c>--port NAME=N</c>
/// (<c>NEXUS_PORT_NAME</c>), <c>--wait-timeout SECONDS</c>, <c>--state-dir DIR</c>, <c>--otlp-endpoint URL</c>
/// (or the app host's own <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).
/// </summary>
public sealed class NexusAppOptions
{
    public string? Publisher { get; set; }

    public string? OutputPath { get; set; }

    public InfrastructurePreference Infrastructure { get; set; } = InfrastructurePreference.Auto;

    /// <summary>Local port overrides by resource name (the resource's first HTTP endpoint).</summary>
    public Dictionary<string, int> Ports { get; } = new(StringComparer.Ordinal);

    /// <summary>Every endpoint on a random free port, as the testing entry point runs it.</summary>
    public bool RandomPorts { get; set; }

    /// <summary>Where infrastructure keeps its data and generated parameters are saved (git-ignored).</summary>
    public string? StateDirectory { get; set; }

    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(120);

    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    public string? OtlpEndpoint { get; set; } = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");

    /// <summary>Receives every line the app host prints (console by default).</summary>
    public Action<string> Output { get; set; } = Console.WriteLine;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public bool IsPublishMode => Publisher is not null;

    public static NexusAppOptions Parse(IReadOnlyList<string> args)
    {
        var options = new NexusAppOptions();
        if (Environment.GetEnvironmentVariable("NEXUS_INFRASTRUCTURE") is { Length: > 0 } infra) options.Infrastructure = ParseInfrastructure(infra);
        for (var i = 0; i < args.Count; i++)
        {
            var (key, inline) = Split(args[i]);
            string Next() => inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {key} needs a value."));
            switch (key)
            {
                case "--publisher": options.Publisher = Next(); break;
                case "--output-path": options.OutputPath = Next(); break;
                case "--infrastructure": options.Infrastructure = ParseInfrastructure(Next()); break;
                case "--state-dir": options.StateDirectory = Next(); break;
                case "--otlp-endpoint": options.OtlpEndpoint = Next(); break;
                case "--wait-timeout": options.WaitTimeout = TimeSpan.FromSeconds(int.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--port":
                    var pair = Next().Split('=', 2);
                    if (pair.Length != 2 || !int.TryParse(pair[1], CultureInfo.InvariantCulture, out var port))
                        throw new ArgumentException("--port expects NAME=PORT, e.g. --port gateway=9000.");
                    options.Ports[pair[0]] = port;
                    break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'. See Nexus.AppHost/README.md.");
            }
        }

        if (options.Publisher is not null && options.Publisher != "manifest")
            throw new ArgumentException($"Unknown publisher '{options.Publisher}'; the only publisher is 'manifest'.");
        if (options.Publisher is not null && options.OutputPath is null) options.OutputPath = "aspire-manifest.json";
        return options;
    }

    /// <summary>The stable local port for a resource: <c>--port</c>, else <c>NEXUS_PORT_{NAME}</c>, else the declared one.</summary>
    internal int? PortFor(string resource, int? declared)
    {
        if (Ports.TryGetValue(resource, out var port)) return port;
        var variable = "NEXUS_PORT_" + resource.ToUpperInvariant().Replace('-', '_');
        if (Environment.GetEnvironmentVariable(variable) is { } text)
            return int.TryParse(text, CultureInfo.InvariantCulture, out port) ? port : throw new ArgumentException($"{variable} must be a port number.");
        return declared;
    }

    private static (string Key, string? Value) Split(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    private static InfrastructurePreference ParseInfrastructure(string value) =>
        Enum.TryParse<InfrastructurePreference>(value, ignoreCase: true, out var result)
            ? result
            : throw new ArgumentException($"Infrastructure '{value}' is not one of auto, local, container, embedded.");
}
