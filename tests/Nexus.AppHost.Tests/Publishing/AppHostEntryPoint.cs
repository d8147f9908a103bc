namespace Nexus.AppHost.Tests.Publishing;

/// <summary>Runs the AppHost's real entry point (its command line) in this process; the tests that do so run one at a
/// time, since each builds and runs a whole Aspire host.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostEntryPoint
{
    public const string Name = "AppHost entry point";

    public static void Run(params string[] args) =>
        typeof(Nexus.AppHost.Infrastructure.LocalPrograms).Assembly.EntryPoint!.Invoke(null, [args]);
}
