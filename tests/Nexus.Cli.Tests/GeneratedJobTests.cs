using Nexus.Testing;
using YamlDotNet.RepresentationModel;

namespace Nexus.Cli.Tests;

/// <summary>The command lines the committed Kubernetes YAML gives the <c>nexus-cli</c> image (the backup CronJob, its
/// overlays' patches, the restore templates) are ones this CLI accepts, and run as a backup then a restore.</summary>
public sealed class GeneratedJobTests : IDisposable
{
    private static readonly string Kubernetes = Path.Combine(TestEnvironment.RepositoryRoot(), "deploy", "kubernetes");
    private readonly string _root = CliRun.TemporaryDirectory("jobs");

    public GeneratedJobTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void EveryNexusCliContainer_HasArgumentsTheParserAccepts()
    {
        var containers = CliContainers().ToList();
        containers.Select(c => c.CronJob).Distinct().Order().ShouldBe(["nexus-backup", "nexus-restore-gateway"]);

        foreach (var (file, cronJob, args) in containers)
        {
            var where = $"{file}, {cronJob}: {string.Join(' ', args)}";
            CliArguments.TryParse(args, _ => null, out var parsed, out var problem).ShouldBeTrue($"{where}: {problem}");
            if (cronJob == "nexus-backup")
            {
                parsed.Command.ShouldBe(CliCommand.Backup, where);
                parsed.Timestamped.ShouldBeTrue(where);
                parsed.Keep.ShouldNotBeNull(where);
            }
            else
            {
                parsed.Command.ShouldBe(CliCommand.Restore, where);
                parsed.Latest.ShouldBeTrue(where);
                parsed.Force.ShouldBeFalse($"{where}: a restore template never replaces a database without the operator's --force");
            }

            parsed.Directory.ShouldBe($"/backups/{parsed.Data.Name}", where);
        }

        containers.Where(c => c.File.StartsWith("overlays/", StringComparison.Ordinal)).Select(c => c.File).Distinct().Order()
            .ShouldBe(["overlays/dev/backup-settings.yaml", "overlays/main/backup-settings.yaml"]);
    }

    [Fact]
    public async Task GatewayBackupThenRestoreTemplate_RestoreTheNewestBackupIntoAnEmptyDatabase()
    {
        var all = CliContainers().Where(c => c.File == "base/backup.yaml").ToList();
        var backup = all.Single(c => c.CronJob == "nexus-backup" && c.Args.Contains("gateway")).Args;
        var restore = all.Single(c => c.CronJob == "nexus-restore-gateway").Args;
        var source = Path.Combine(_root, "nexus-gateway.db");
        await Databases.ExecuteSqliteAsync(source, "CREATE TABLE tenants (name TEXT); INSERT INTO tenants VALUES ('acme');");
        var target = Path.Combine(_root, "restored.db");

        // The claim's /backups is a folder of the test's own; the database is the embedded one instead of the Secret's.
        var dumped = await CliRun.RunAsync([.. OnDisk(backup), "--sqlite", source]);
        dumped.ExitCode.ShouldBe(0, dumped.Error);
        var restored = await CliRun.RunAsync([.. OnDisk(restore), "--sqlite", target]);
        restored.ExitCode.ShouldBe(0, restored.Error);

        (await Databases.SqliteScalarAsync(target, "SELECT name FROM tenants")).ShouldBe("acme");
        var again = await CliRun.RunAsync([.. OnDisk(restore), "--sqlite", target]);
        again.ExitCode.ShouldBe(1);
        again.Error.ShouldContain("not empty");
    }

    private string[] OnDisk(string[] args) =>
        [.. args.Select(a => a.StartsWith("/backups/", StringComparison.Ordinal) ? Path.Combine(_root, "backups", a["/backups/".Length..]) : a)];

    /// <summary>Every container of a CronJob in the committed YAML that runs the CLI's image or patches one that does.</summary>
    private static IEnumerable<(string File, string CronJob, string[] Args)> CliContainers()
    {
        foreach (var path in Directory.EnumerateFiles(Kubernetes, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(Kubernetes, path).Replace('\\', '/');
            var stream = new YamlStream();
            using (var reader = new StreamReader(path)) stream.Load(reader);
            foreach (var document in stream.Documents)
            {
                if (document.RootNode is not YamlMappingNode root || Scalar(root, "kind") != "CronJob") continue;
                var name = Scalar((YamlMappingNode)root["metadata"], "name")!;
                if (Child(root, "spec", "jobTemplate", "spec", "template", "spec", "containers") is not YamlSequenceNode containers) continue;
                foreach (var container in containers.Cast<YamlMappingNode>())
                {
                    if (Scalar(container, "image") is { } image && image != "nexus-cli") continue;
                    if (Child(container, "args") is YamlSequenceNode args) yield return (file, name, [.. args.Cast<YamlScalarNode>().Select(a => a.Value!)]);
                }
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            current = next;
        }

        return current;
    }

    private static string? Scalar(YamlMappingNode node, string key) => Child(node, key) is YamlScalarNode scalar ? scalar.Value : null;
}
