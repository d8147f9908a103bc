using Microsoft.Extensions.Options;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

public sealed class OptionsTests
{
    [Fact]
    public async Task Start_InvalidSettings_FailsWithEveryProblemListed()
    {
        var error = await Should.ThrowAsync<OptionsValidationException>(() => EchoService.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Kind"] = "banana",
            ["Nexus:AdvertisedUrl"] = "not a url",
            ["Nexus:LogFormat"] = "xml",
        }));

        error.Message.ShouldContain("Nexus:Kind 'banana'");
        error.Message.ShouldContain("Nexus:AdvertisedUrl");
        error.Message.ShouldContain("Nexus:LogFormat");
    }

    [Theory]
    [InlineData("Acme.Translate", "acme-translate")]
    [InlineData("Nexus.Services.Speech", "nexus-services-speech")]
    [InlineData("My_Service 2", "my-service-2")]
    public void DefaultName_FromApplicationName_IsADnsLabel(string applicationName, string expected)
    {
        NexusServiceOptionsSetup.DefaultName(applicationName).ShouldBe(expected);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://127.0.0.1:5000", true)]
    public void Reachable_WildcardListeningAddress_BecomesTheHostName(string address, bool keepsHost)
    {
        var reachable = Metadata.DescriptorProvider.Reachable(address)!;

        if (keepsHost) reachable.ShouldBe(address);
        else reachable.ShouldBe($"http://{System.Net.Dns.GetHostName()}:8080".ToLowerInvariant(), StringCompareShould.IgnoreCase);
    }
}
