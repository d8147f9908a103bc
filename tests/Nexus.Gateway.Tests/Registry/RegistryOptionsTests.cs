using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Tests.Registry;

public sealed class RegistryOptionsTests
{
    [Fact]
    public void Validate_SeveralBadSettings_ReportsThemAllTogether()
    {
        var options = new RegistryOptions
        {
            Token = "short",
            LeaseSeconds = 1,
            Health = new RegistryHealthOptions { HealthyThreshold = 0, ProbeTimeout = TimeSpan.Zero },
            Etcd = new EtcdOptions { Url = "tcp://etcd:2379", Prefix = "no-slash" },
        };

        var result = new RegistryOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.Failures!.Count().ShouldBe(6);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        new RegistryOptionsValidator().Validate(null, new RegistryOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task StartAsync_WithInvalidSettings_RefusesToStart()
    {
        var error = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            Infrastructure.RegistryGateway.StartAsync(new Dictionary<string, string?> { ["Nexus:Registry:LeaseSeconds"] = "0" }));

        error.Message.ShouldContain("LeaseSeconds");
    }
}
