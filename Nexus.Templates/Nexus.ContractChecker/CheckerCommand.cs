namespace Nexus.ContractChecker;

/// <summary>The command line: parse, run the checks, print them, and exit 0 (conforms), 1 (fails) or 2 (usage).</summary>
internal static class CheckerCommand
{
    private const string Usage = """
        Checks a running service against the Nexus service contract (docs/service-contract.md).

        usage: nexus-contract-check <service-url> [--registry <url> [--key <key>]] [--timeout <seconds>]

          <service-url>        base URL of the service, e.g. http://localhost:5480
          --registry <url>     also check that the service registered with this registry (the gateway)
          --key <key>          key for the registry's instance listing (admin key)
          --timeout <seconds>  per request, default 10
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (!TryParse(args, out var service, out var registry, out var timeout, out var error))
        {
            await output.WriteLineAsync(error is null ? Usage : $"error: {error}\n\n{Usage}");
            return 2;
        }

        using var http = new HttpClient { Timeout = timeout };
        var results = await new ContractCheck(http).RunAsync(service!, registry, cancellationToken);
        foreach (var result in results)
        {
            var mark = result.Outcome switch { Outcome.Pass => "PASS", Outcome.Warn => "WARN", _ => "FAIL" };
            await output.WriteLineAsync($"{mark}  {result.Name}: {result.Detail}");
        }

        var failures = results.Count(r => r.Outcome == Outcome.Fail);
        var warnings = results.Count(r => r.Outcome == Outcome.Warn);
        await output.WriteLineAsync(failures == 0
            ? $"{service} follows the Nexus service contract ({warnings} warning(s))."
            : $"{service} breaks the Nexus service contract: {failures} failure(s), {warnings} warning(s).");
        return failures == 0 ? 0 : 1;
    }

    internal static bool TryParse(string[] args, out Uri? service, out RegistryTarget? registry, out TimeSpan timeout, out string? error)
    {
        service = null;
        registry = null;
        timeout = TimeSpan.FromSeconds(10);
        error = null;
        Uri? registryUrl = null;
        string? key = null;

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (arg)
            {
                case "-h" or "--help":
                    return false;
                case "--registry":
                    registryUrl = ParseUrl(Value(), "--registry", ref error);
                    break;
                case "--key":
                    key = Value() ?? Missing("--key", ref error);
                    break;
                case "--timeout":
                    if (!double.TryParse(Value(), System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds <= 0) error = "--timeout needs a positive number of seconds";
                    else timeout = TimeSpan.FromSeconds(seconds);
                    break;
                default:
                    if (arg.StartsWith('-') || service is not null) error = $"unexpected argument '{arg}'";
                    else service = ParseUrl(arg, "<service-url>", ref error);
                    break;
            }

            if (error is not null) return false;
        }

        if (service is null)
        {
            error = "the service URL is missing";
            return false;
        }

        if (registryUrl is not null) registry = new RegistryTarget(registryUrl, key);
        return true;
    }

    private static Uri? ParseUrl(string? value, string name, ref string? error)
    {
        if (value is not null && Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
        error = $"{name} must be an absolute http or https URL";
        return null;
    }

    private static string? Missing(string name, ref string? error)
    {
        error = $"{name} needs a value";
        return null;
    }
}
