using System.Security.Cryptography;
using System.Text.Json;

namespace Nexus.AppHost.Hosting;

/// <summary>
/// Gives each parameter its run-mode value: <c>Parameters__{name}</c> from the environment, else the value a previous
/// run saved (as Aspire keeps generated values in user secrets), else a new one.
/// </summary>
internal static class ParameterStore
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static void Resolve(IEnumerable<ParameterResource> parameters, string stateDirectory)
    {
        var file = Path.Combine(stateDirectory, "parameters.json");
        var saved = File.Exists(file)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? []
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = false;
        foreach (var parameter in parameters)
        {
            var fromEnvironment = Environment.GetEnvironmentVariable($"Parameters__{parameter.Name}")
                ?? Environment.GetEnvironmentVariable($"Parameters__{parameter.Name.Replace('-', '_')}");
            if (fromEnvironment is not null)
            {
                parameter.Value = fromEnvironment;
                continue;
            }

            if (parameter.Persist && saved.TryGetValue(parameter.Name, out var value))
            {
                parameter.Value = value;
                continue;
            }

            if (parameter.GenerateMinLength is { } length)
            {
                parameter.Value = RandomNumberGenerator.GetString(Alphabet, length);
                if (parameter.Persist)
                {
                    saved[parameter.Name] = parameter.Value;
                    changed = true;
                }

                continue;
            }

            parameter.Value = parameter.DefaultValue
                ?? throw new InvalidOperationException($"Parameter '{parameter.Name}' has no value: set the environment variable Parameters__{parameter.Name}.");
        }

        if (!changed) return;
        Directory.CreateDirectory(stateDirectory);
        File.WriteAllText(file, JsonSerializer.Serialize(saved, new JsonSerializerOptions { WriteIndented = true }));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
