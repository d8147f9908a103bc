using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Nexus.AppHost.Composition;

/// <summary>Reads the user secrets, where Aspire keeps persisted parameters, in every environment.</summary>
internal static class UserSecretsConfiguration
{
    /// <summary>
    /// The host reads user secrets only in Development: a run without the launch profile would generate a new PostgreSQL
    /// password and admin key, and the existing database would refuse the new password. Environment variables and the
    /// command line are added again after them, so they still override, as in Development.
    /// </summary>
    /// <remarks>Added, not inserted: inserting reloads every source, and the host's stream-based sources cannot be read twice.</remarks>
    public static IDistributedApplicationBuilder AddUserSecretsInEveryEnvironment(this IDistributedApplicationBuilder builder, Assembly assembly,
        string[] args)
    {
        if (builder.Environment.IsDevelopment()) return builder;
        builder.Configuration.AddUserSecrets(assembly, optional: true).AddEnvironmentVariables().AddCommandLine(args);
        return builder;
    }
}
