namespace Nexus.Agents.Tests;

/// <summary>Agent specs the tests start from: the required fields, then whatever the test adds.</summary>
internal static class Specs
{
    public static string Agent(string name, string more = "") =>
        $"name: {name}\ndescription: A test agent.\ninstructions: You help.\nmodel: test-model\n" + more;
}
