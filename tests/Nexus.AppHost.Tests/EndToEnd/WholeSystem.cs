namespace Nexus.AppHost.Tests.EndToEnd;

/// <summary>The tests that start the whole composition, one at a time: the gateway and the UI listen on fixed ports.</summary>
[CollectionDefinition(Name)]
public sealed class WholeSystem
{
    public const string Name = "Whole system";
}
