using Nexus.Testing;
using Xunit.Abstractions;

namespace Nexus.Agents.Tests;

/// <summary>A client's malformed request is its own 4xx, in OpenAI's envelope on the chat route: never a 5xx, never a hang.</summary>
public sealed class MalformedInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fuzz_EveryFunction_NoServerErrorNoHangAndTheRoutesErrorFormat()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()), new Dictionary<string, string> { ["helper"] = Specs.Agent("helper") });

        var report = await ServiceFuzz.RunAsync(host.Service.BaseAddress, 16_016, total: 240, ["/v1/chat/completions"]);

        output.WriteLine(report.Summary("agents"));
        foreach (var failure in report.Failures) output.WriteLine(failure);
        report.Failures.ShouldBeEmpty();
        host.Service.Requests.ServerErrors.ShouldBeEmpty();
    }
}
