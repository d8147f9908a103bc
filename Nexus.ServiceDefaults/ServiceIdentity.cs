using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Nexus.ServiceDefaults;

/// <summary>Who this process is: computed once at start so telemetry, the descriptor and registration agree.</summary>
public sealed record ServiceIdentity(string Name, string Version, string InstanceId)
{
    internal static ServiceIdentity From(IConfiguration configuration, IHostEnvironment environment)
    {
        var name = configuration["Nexus:Name"] ?? NexusServiceOptionsSetup.DefaultName(environment.ApplicationName);
        var version = configuration["Nexus:Version"]
            ?? Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? "0.0.0";
        var instanceId = configuration["Nexus:InstanceId"] ?? $"{name}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        return new ServiceIdentity(name, version, instanceId);
    }
}
