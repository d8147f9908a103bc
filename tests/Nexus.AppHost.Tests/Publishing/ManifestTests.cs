using System.Text.Json.Nodes;
using Nexus.AppHost.Hosting;
using Nexus.AppHost.Tests.Infrastructure;
using Nexus.Contract;

namespace Nexus.AppHost.Tests.Publishing;

public sealed class ManifestTests
{
    private static readonly string[] AllowedTypes = ["project.v0", "container.v0", "container.v1", "parameter.v0", "value.v0"];

    [Fact]
    public void CommittedManifest_ComparedWithAFreshlyPublishedOne_IsCurrent()
    {
        var root = TestModel.RepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), $"nexus-manifest-{Guid.NewGuid():N}", "aspire-manifest.json");
        try
        {
            // The real command line: the entry point with --publisher manifest --output-path.
            var entryPoint = typeof(NexusApp).Assembly.EntryPoint!;
            entryPoint.Invoke(null, [new[] { "--publisher", "manifest", "--output-path", output }]);

            var fresh = File.ReadAllText(output);
            var committed = File.ReadAllText(Path.Combine(root, "aspire-manifest.json"));
            // Paths are relative to the manifest's folder, so publish next to the committed one for the comparison.
            fresh.Replace(Path.GetRelativePath(Path.GetDirectoryName(output)!, root).Replace('\\', '/') + "/", "", StringComparison.Ordinal)
                .ShouldBe(committed, "aspire-manifest.json is stale: run dotnet run --project Nexus.AppHost -- --publisher manifest --output-path aspire-manifest.json");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    [Fact]
    public void CommittedManifest_AgainstTheAspireSchema_IsValidAndUsesOnlyTheAllowedTypes()
    {
        var root = TestModel.RepositoryRoot();
        var schemaPath = Path.Combine(root, "docs", "schemas", "aspire-8.0.json");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "aspire-manifest.json")))!;

        var errors = new JsonSchemaValidator(JsonNode.Parse(File.ReadAllText(schemaPath))!).Validate(manifest);

        errors.ShouldBeEmpty();
        manifest["$schema"]!.GetValue<string>().ShouldBe("https://json.schemastore.org/aspire-8.0.json");
        foreach (var (name, resource) in manifest["resources"]!.AsObject())
            AllowedTypes.ShouldContain(resource!["type"]!.GetValue<string>(), $"resource {name}");
        manifest["resources"]!["gateway"]!["bindings"]!["http"]!["external"]!.GetValue<bool>().ShouldBeTrue();
        manifest["resources"]!["gateway"]!["env"]!["ConnectionStrings__nexusdb"]!.GetValue<string>().ShouldBe("{nexusdb.connectionString}");
    }

    [Fact]
    public void Render_ExecutableResource_RefusesBecauseItHasNoManifestForm()
    {
        var builder = TestModel.CreateBuilder();
        builder.AddExecutable("tool", "sleep", ".", "1");

        Should.Throw<InvalidOperationException>(() => ManifestPublisher.Render(builder.Resources, ".")).Message.ShouldContain("'tool'");
    }
}
