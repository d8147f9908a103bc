using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Hosting;

namespace Nexus.AppHost.Composition;

/// <summary>Reads the user secrets, where Aspire keeps persisted parameters, in every environment.</summary>
internal static class UserSecretsConfiguration
{
    /// <summary>
    /// The host reads user secrets only in Development: a run without the launch profile would generate a new PostgreSQL
    /// password and admin key, and the existing database would refuse the new password. Environment variables and the
    /// command line still override them, as in Development.
    /// </summary>
    public static IDistributedApplicationBuilder AddUserSecretsInEveryEnvironment(this IDistributedApplicationBuilder builder, Assembly assembly)
    {
        if (builder.Environment.IsDevelopment()) return builder;
        var secrets = new ConfigurationBuilder().AddUserSecrets(assembly, optional: true).Sources[0];
        var sources = builder.Configuration.Sources;
        var environment = sources.Select((source, index) => (source, index))
            .LastOrDefault(s => s.source is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        sources.Insert(environment.source is null ? sources.Count : environment.index, secrets);
        return builder;
    }
}
