using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Nexus.Testing;

namespace Nexus.AppHost.Tests.Publishing;

/// <summary>aspire-manifest.json is what Aspire's own publisher writes today, and what azd and aspirate can read.</summary>
[Collection(AppHostEntryPoint.Name)]
public sealed class ManifestTests
{
    private static readonly string[] AllowedTypes = ["project.v0", "container.v0", "container.v1", "parameter.v0", "value.v0"];

    [Fact]
    public void CommittedManifest_ComparedWithAFreshlyPublishedOne_IsCurrent()
    {
        var root = TestEnvironment.RepositoryRoot();
        var output = Directory.CreateTempSubdirectory("nexus-manifest-");
        try
        {
            // The real command line: the AppHost's entry point with --publisher manifest --output-path.
            var file = Path.Combine(output.FullName, "aspire-manifest.json");
            AppHostEntryPoint.Run("--publisher", "manifest", "--output-path", file);

            // Project paths are relative to the manifest's folder: publish elsewhere, compare as if next to the committed one.
            var prefix = Path.GetRelativePath(output.FullName, root).Replace('\\', '/') + "/";
            File.ReadAllText(file).Replace(prefix, "", StringComparison.Ordinal).ShouldBe(File.ReadAllText(Path.Combine(root, "aspire-manifest.json")),
                "aspire-manifest.json is stale: run dotnet run --project Nexus.AppHost -- --publisher manifest --output-path ../aspire-manifest.json");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void CommittedManifest_AgainstTheAspireSchema_IsValidAndUsesOnlyTheAllowedTypes()
    {
        var root = TestEnvironment.RepositoryRoot();
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(root, "docs", "schemas", "aspire-8.0.json")));
        var text = File.ReadAllText(Path.Combine(root, "aspire-manifest.json"));
        using var document = JsonDocument.Parse(text);
        var manifest = JsonNode.Parse(text)!;

        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        result.IsValid.ShouldBeTrue(string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        var resources = manifest["resources"]!.AsObject();
        foreach (var (name, resource) in resources) AllowedTypes.ShouldContain(resource!["type"]!.GetValue<string>(), $"resource {name}");
        var gateway = resources["gateway"]!;
        gateway["bindings"]!["http"]!["external"]!.GetValue<bool>().ShouldBeTrue();
        gateway["bindings"]!["http"]!["port"]!.GetValue<int>().ShouldBe(8480);
        gateway["env"]!["ConnectionStrings__nexusdb"]!.GetValue<string>().ShouldBe("{nexusdb.connectionString}");
        gateway["env"]!["Nexus__Registry__Etcd__Url"]!.GetValue<string>().ShouldBe("{etcd.bindings.http.url}");
        foreach (var service in new[] { "inference", "speech", "ocr", "image", "agents" })
            resources[service]!["env"]!["Nexus__Registry__Url"]!.GetValue<string>().ShouldBe("{gateway.bindings.http.url}", service);
    }

    [Fact]
    public void CommittedManifest_ServicesThatAreTenants_GetTheKeyTheGatewayCreatesAtStart()
    {
        var resources = JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot(), "aspire-manifest.json")))!["resources"]!;
        var gateway = resources["gateway"]!["env"]!;
        var agents = resources["agents"]!["env"]!;

        // One secret per tenant, handed to both sides; only the agents' tenant may read the registry (their tool bus).
        gateway["Nexus__Gateway__BootstrapKeys__agents__Key"]!.GetValue<string>().ShouldBe("{agents-key.value}");
        gateway["Nexus__Gateway__BootstrapKeys__agents__ReadRegistry"]!.GetValue<string>().ShouldBe("true");
        gateway["Nexus__Gateway__BootstrapKeys__knowledge__Key"]!.GetValue<string>().ShouldBe("{knowledge-key.value}");
        gateway["Nexus__Gateway__BootstrapKeys__knowledge__ReadRegistry"].ShouldBeNull();
        agents["Agents__ApiKey"]!.GetValue<string>().ShouldBe("{agents-key.value}");
        agents["Agents__RegistryKey"].ShouldBeNull(); // the tenant key reads the registry: no admin key leaves the gateway
        agents["Agents__Tenant"]!.GetValue<string>().ShouldBe("tn_agents");
        agents["Agents__GatewayUrl"]!.GetValue<string>().ShouldBe("{gateway.bindings.http.url}");
        agents["ConnectionStrings__agentsdb"]!.GetValue<string>().ShouldBe("{nexusdb.connectionString}");
        resources["knowledge"]!["env"]!["Knowledge__Gateway__ApiKey"]!.GetValue<string>().ShouldBe("{knowledge-key.value}");
        resources["agents-key"]!["inputs"]!["value"]!["secret"]!.GetValue<bool>().ShouldBeTrue();
    }
}
