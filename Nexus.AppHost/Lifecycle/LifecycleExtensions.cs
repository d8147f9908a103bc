using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nexus.AppHost.Lifecycle;

/// <summary>What Nexus adds to Aspire's run mode: restarts after a crash, the start-up summary and a
/// shutdown in reverse dependency order.</summary>
internal static class LifecycleExtensions
{
    public static IDistributedApplicationBuilder AddNexusLifecycle(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode) return builder;
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CrashRestarts>();
        builder.Services.AddSingleton<StartupSummary>();
        builder.Services.AddHostedService<OrderedShutdown>();
        builder.Eventing.Subscribe<ResourceStoppedEvent>((e, _) => e.Services.GetRequiredService<CrashRestarts>().OnStoppedAsync(e));
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, _) => e.Services.GetRequiredService<StartupSummary>().OnResourcesCreatedAsync(e));
        return builder;
    }
}
