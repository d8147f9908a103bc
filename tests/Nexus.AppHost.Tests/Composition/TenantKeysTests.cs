using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Nexus.AppHost.Tests.Composition;

/// <summary>The services that call the gateway as tenants get the very key the gateway creates for them at start.</summary>
[Collection(Publishing.AppHostEntryPoint.Name)]
public sealed class TenantKeysTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task RunMode_AgentsAndKnowledge_GetTheTenantKeyTheGatewayBootstraps()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Nexus_AppHost>([], (o, _) => o.DisableDashboard = true)
            .WaitAsync(Timeout);
        var projects = builder.Resources.OfType<ProjectResource>().ToDictionary(p => p.Name);

        var gateway = await EnvironmentAsync(builder, projects["gateway"]);
        var agents = await EnvironmentAsync(builder, projects["agents"]);
        var knowledge = await EnvironmentAsync(builder, projects["knowledge"]);

        // The same parameter on both sides: one generated (persisted) secret per tenant.
        var agentsKey = agents["Agents__ApiKey"].ShouldBeOfType<ParameterResource>();
        agentsKey.Name.ShouldBe("agents-key");
        agentsKey.Secret.ShouldBeTrue();
        gateway["Nexus__Gateway__BootstrapKeys__agents__Key"].ShouldBeSameAs(agentsKey);
        gateway["Nexus__Gateway__BootstrapKeys__agents__ReadRegistry"].ShouldBe("true");
        agents["Agents__Tenant"].ShouldBe("tn_agents");
        agents.ContainsKey("Agents__RegistryKey").ShouldBeFalse(); // the tenant key reads the registry; the admin key stays with the gateway
        var knowledgeKey = knowledge["Knowledge__Gateway__ApiKey"].ShouldBeOfType<ParameterResource>();
        gateway["Nexus__Gateway__BootstrapKeys__knowledge__Key"].ShouldBeSameAs(knowledgeKey);
        knowledgeKey.ShouldNotBeSameAs(agentsKey);
        gateway.ContainsKey("Nexus__Gateway__BootstrapKeys__knowledge__ReadRegistry").ShouldBeFalse();
    }

    private static async Task<Dictionary<string, object>> EnvironmentAsync(IDistributedApplicationTestingBuilder builder, IResource resource)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(builder.ExecutionContext, resource, environment);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context).WaitAsync(Timeout);
        return environment;
    }
}
