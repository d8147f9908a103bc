using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Security;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Metadata;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>The registry as a way in: a registration may point only where the operator allows, never at the gateway itself.</summary>
public sealed class AddressPolicyTests : RegistryFixture
{
    [Theory]
    [InlineData("http://169.254.169.254", "metadata")]
    [InlineData("http://169.254.10.1:8080", "link-local")]
    [InlineData("http://[::ffff:169.254.169.254]", "metadata")]
    [InlineData("http://[fe80::1]:8080", "link-local")]
    [InlineData("http://[fd00:ec2::254]", "metadata")]
    [InlineData("http://169.254.170.2/v2/credentials", "metadata")]
    [InlineData("http://100.100.100.200", "metadata")]
    [InlineData("http://metadata.google.internal", "metadata")]
    [InlineData("http://metadata.google.internal.:80/computeMetadata/v1", "metadata")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]", "metadata")]
    public async Task Register_AtLinkLocalOrMetadataAddress_Returns400(string baseUrl, string reason)
    {
        var problem = await RegisterAsync(Gateway, baseUrl, HttpStatusCode.BadRequest);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain(reason);
    }

    [Theory]
    [InlineData("http://localhost.:{port}")]
    [InlineData("http://LOCALHOST:{port}")]
    [InlineData("http://0.0.0.0:{port}")]
    [InlineData("http://[::1]:{port}")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}")]
    [InlineData("http://127.0.0.2:{port}")]
    [InlineData("http://2130706433:{port}")]
    [InlineData("http://gateway.localhost:{port}/prefix")]
    public async Task Register_AtAnAliasOfTheGatewaysOwnSocket_Returns400(string template)
    {
        var problem = await RegisterAsync(Gateway, template.Replace("{port}", Gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), HttpStatusCode.BadRequest);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("own address");
    }

    [SkippableFact]
    public async Task Register_AtThisMachinesHostNameAndTheGatewaysPort_Returns400()
    {
        var name = Dns.GetHostName();
        var addresses = await Dns.GetHostAddressesAsync(name);
        Skip.If(addresses.Length == 0, "this machine's name does not resolve");

        var problem = await RegisterAsync(Gateway, $"http://{name}:{Gateway.Port}", HttpStatusCode.BadRequest);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("own address");
    }

    [Fact]
    public async Task Register_AtAnyNameResolvingToOneOfThisMachinesAddresses_Returns400()
    {
        var own = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
        var dns = new FakeHostResolver();
        dns.Set("another-name-of-this-machine.test", own.ToString());
        await using var gateway = await RegistryGateway.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IHostResolver>(dns)));

        var problem = await RegisterAsync(gateway, $"http://another-name-of-this-machine.test:{gateway.Port}", HttpStatusCode.BadRequest);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("own address");
    }

    /// <summary>What ServiceDefaults advertises for a service bound to 0.0.0.0; the name may resolve to the machine's own link-local addresses too.</summary>
    [SkippableFact]
    public async Task Register_AtThisMachinesHostNameOnAnotherPort_IsAccepted()
    {
        var name = Dns.GetHostName();
        var addresses = await Dns.GetHostAddressesAsync(name);
        Skip.If(addresses.Length == 0, "this machine's name does not resolve");

        await RegisterAsync(Gateway, $"http://{name}:{Instance.BaseAddress.Port}", HttpStatusCode.Created);
    }

    [Fact]
    public async Task Register_AtTheGatewaysRedisEtcdOrPostgresPort_Returns400NamingTheStore()
    {
        var (redis, etcd, postgres) = (FreePort(), FreePort(), FreePort());
        await using var gateway = await RegistryGateway.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = $"localhost:{redis},password=secret",
            ["ConnectionStrings:etcd"] = $"http://127.0.0.1:{etcd}",
            ["ConnectionStrings:nexusdb"] = $"Host=127.0.0.1;Port={postgres};Database=nexus",
        });

        (await RegisterAsync(gateway, $"http://127.0.0.1:{redis}", HttpStatusCode.BadRequest))["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("Redis");
        (await RegisterAsync(gateway, $"http://localhost:{etcd}", HttpStatusCode.BadRequest))["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("etcd");
        (await RegisterAsync(gateway, $"http://[::1]:{postgres}", HttpStatusCode.BadRequest))["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("PostgreSQL");
    }

    [Fact]
    public async Task Register_OutsideAllowedNetworks_Returns400_InsideIsAccepted()
    {
        await using var narrow = await RegistryGateway.StartAsync(new Dictionary<string, string?> { ["Nexus:Registry:AllowedNetworks:0"] = "10.0.0.0/8", ["Nexus:Registry:AllowedNetworks:1"] = "fd00::/8" });
        await using var loopback = await RegistryGateway.StartAsync(new Dictionary<string, string?> { ["Nexus:Registry:AllowedNetworks:0"] = "127.0.0.0/8" });

        var problem = await RegisterAsync(narrow, Instance.Url, HttpStatusCode.BadRequest);
        await RegisterAsync(loopback, Instance.Url, HttpStatusCode.Created);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("AllowedNetworks");
    }

    [Fact]
    public async Task Start_WithInvalidAllowedNetworks_RefusesToStartListingEveryOne()
    {
        var error = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => RegistryGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Registry:AllowedNetworks:0"] = "10.0.0.0",
            ["Nexus:Registry:AllowedNetworks:1"] = "10.0.0.0/8",
            ["Nexus:Registry:AllowedNetworks:2"] = "not-a-network/99",
        }));

        error.Failures.Count(f => f.Contains("AllowedNetworks", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Theory]
    [InlineData("/http://127.0.0.1:18604/x")]
    [InlineData("/http:%2F%2F127.0.0.1:18604/x")]
    [InlineData("//evil.example/x")]
    [InlineData("/../../x")]
    [InlineData("/health/%2e%2e/%2E%2E/x")]
    [InlineData("/a\\b")]
    [InlineData("/health#x")]
    public async Task Register_WithHealthEndpointOffTheBaseUrl_Returns400NamingTheField(string health)
    {
        var body = await BodyAsync(Instance.Url);
        body["descriptor"]!["endpoints"] = new JsonObject { ["health"] = health };

        var problem = await PostAsync(Gateway, body.ToJsonString(), HttpStatusCode.BadRequest);

        problem["errors"]!["descriptor.endpoints.health"].ShouldNotBeNull(problem.ToJsonString());
    }

    [Fact]
    public async Task Register_WithAFunctionPathThatIsAUrl_Returns400NamingTheField()
    {
        var body = await BodyAsync(Instance.Url);
        body["descriptor"]!["functions"]![0]!["path"] = "/http://127.0.0.1:18604/x";

        var problem = await PostAsync(Gateway, body.ToJsonString(), HttpStatusCode.BadRequest);

        problem["errors"]!["descriptor.functions[0].path"].ShouldNotBeNull(problem.ToJsonString());
    }

    [Fact]
    public async Task Register_WithAHostNameThatDoesNotResolve_Returns400()
    {
        var problem = await RegisterAsync(Gateway, "http://no-such-host.invalid:8080", HttpStatusCode.BadRequest);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("cannot be resolved");
    }

    [Fact]
    public async Task NameThatRebindsToMetadata_IsRefusedAtItsNextRenewalAndRemoved()
    {
        var dns = new FakeHostResolver();
        dns.Set("service.test", "127.0.0.1");
        await using var gateway = await RegistryGateway.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IHostResolver>(dns)));
        var descriptor = await Instance.DescriptorAsync();
        using var http = new HttpClient();
        var client = new RegistrationClient(http);
        var registration = await client.RegisterAsync(
            gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = $"http://service.test:{Instance.BaseAddress.Port}", Descriptor = descriptor }, CancellationToken.None);
        await Eventually.WaitAsync(() => gateway.Registry.Find(registration.InstanceId), i => i?.State == InstanceState.Ready, "the instance to be probed through the checked name and become ready");

        dns.Set("service.test", "169.254.169.254");

        var renewal = await Should.ThrowAsync<RegistrationException>(() => client.RenewAsync(
            gateway.BaseAddress, registration, new RenewLeaseRequest { Version = descriptor.Version, DescriptorHash = DescriptorProvider.Hash(descriptor) }, CancellationToken.None));
        renewal.Status.ShouldBe(HttpStatusCode.BadRequest);
        renewal.Message.ShouldContain("metadata");
        gateway.Registry.Find(registration.InstanceId).ShouldBeNull();
    }

    /// <summary>The registry's own client (prober, descriptor fetcher) checks each connection as it opens, whatever was checked before.</summary>
    [Fact]
    public async Task RegistryClient_ConnectingWhereThePolicyRefuses_NeverConnects()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var dns = new FakeHostResolver();
        dns.Set("rebound.test", "127.0.0.1");
        await using var gateway = await RegistryGateway.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = $"127.0.0.1:{port}" },
            s => s.Replace(ServiceDescriptor.Singleton<IHostResolver>(dns)));
        using var http = gateway.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient(DescriptorFetcher.HttpClientName);

        var error = await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://rebound.test:{port}/")));

        error.ToString().ShouldContain("Redis");
        listener.Pending().ShouldBeFalse();
    }

    private async Task<JsonObject> BodyAsync(string baseUrl) =>
        JsonSerializer.SerializeToNode(new RegisterInstanceRequest { BaseUrl = baseUrl, Descriptor = await Instance.DescriptorAsync() }, NexusJson.Options)!.AsObject();

    private async Task<JsonNode> RegisterAsync(RegistryGateway gateway, string baseUrl, HttpStatusCode expected) =>
        await PostAsync(gateway, (await BodyAsync(baseUrl)).ToJsonString(), expected);

    internal static async Task<JsonNode> PostAsync(RegistryGateway gateway, string body, HttpStatusCode expected)
    {
        using var request = RegistryGateway.Request(HttpMethod.Post, ContractPaths.RegistryInstances, RegistryGateway.Token, new StringContent(body, Encoding.UTF8, "application/json"));
        using var response = await gateway.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        if (expected == HttpStatusCode.Created) return JsonNode.Parse(text)!;
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        gateway.Registry.Snapshot().ShouldBeEmpty();
        return JsonNode.Parse(text)!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
