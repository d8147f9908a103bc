using Microsoft.Extensions.Options;
using Nexus.Agents.Tools.Workspace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The workspace tools' services, bound to the <c>Agents</c> section and validated at start.</summary>
internal static class WorkspaceServiceExtensions
{
    public static IServiceCollection AddWorkspaceTools(this IServiceCollection services)
    {
        services.AddOptions<WorkspaceOptions>().BindConfiguration(Nexus.Agents.AgentsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkspaceOptions>, WorkspaceOptionsValidator>();
        services.AddSingleton<WorkspaceProcesses>();
        services.AddSingleton<TemplateHive>();
        services.AddSingleton<ContractCheckRunner>();
        services.AddSingleton<WorkspaceTools>();
        services.AddSingleton<WorkspaceRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkspaceRetention>());
        return services;
    }
}
