using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Nexus.Contract;
using Nexus.Gateway.Registry.Api;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Metadata;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>The registration protocol through the real HTTP API, driven by ServiceDefaults' own client.</summary>
public sealed class RegistrationApiTests : RegistryFixture
{
    private RegistrationClient Client => new(Http);

    private async Task<RegisterInstanceRequest> RequestAsync() =>
        new() { BaseUrl = Instance.Url, Descriptor = await Instance.DescriptorAsync() };

    [Fact]
    public async Task Register_WithValidToken_ReturnsSecretAndListsTheInstance()
    {
        var request = await RequestAsync();

        var registration = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, request, CancellationToken.None);

        registration.InstanceId.ShouldBe(request.Descriptor.InstanceId);
        registration.InstanceSecret.Length.ShouldBeGreaterThanOrEqualTo(32);
        registration.LeaseSeconds.ShouldBe(30);
        var one = await Gateway.Client.GetFromJsonAsync<InstanceView>($"v1/registry/instances/{registration.InstanceId}", NexusJson.Options);
        one!.BaseUrl.ShouldBe(Instance.Url);
        one.Service.ShouldBe(request.Descriptor.Name);
        one.Descriptor.Functions.ShouldContain(f => f.Name == "echo");
        var list = await Gateway.Client.GetFromJsonAsync<InstanceList>("v1/registry/instances", NexusJson.Options);
        list!.Instances.ShouldContain(i => i.InstanceId == registration.InstanceId);
    }

    [Fact]
    public async Task Renew_WithOwnSecret_ExtendsLeaseAndReportsState()
    {
        var request = await RequestAsync();
        var registration = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, request, CancellationToken.None);

        var renewal = await Client.RenewAsync(Gateway.BaseAddress, registration, new RenewLeaseRequest { Version = request.Descriptor.Version, DescriptorHash = DescriptorProvider.Hash(request.Descriptor) }, CancellationToken.None);

        renewal.ShouldNotBeNull();
        renewal.LeaseSeconds.ShouldBe(30);
        renewal.State.ShouldBeOneOf("registering", "ready");
    }

    [Fact]
    public async Task Deregister_WithOwnSecret_RemovesTheInstanceAndLaterRenewalsAskToRegisterAgain()
    {
        var request = await RequestAsync();
        var registration = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, request, CancellationToken.None);

        await Client.DeregisterAsync(Gateway.BaseAddress, registration, CancellationToken.None);

        var response = await Gateway.Client.GetAsync($"v1/registry/instances/{registration.InstanceId}");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var renewal = await Client.RenewAsync(Gateway.BaseAddress, registration, new RenewLeaseRequest { Version = "1", DescriptorHash = "x" }, CancellationToken.None);
        renewal.ShouldBeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-wrong-token-wrong")]
    public async Task Register_WithoutValidToken_Returns401(string? token)
    {
        var request = await RequestAsync();

        var error = await Should.ThrowAsync<RegistrationException>(() => Client.RegisterAsync(Gateway.BaseAddress, token, request, CancellationToken.None));

        error.Status.ShouldBe(HttpStatusCode.Unauthorized);
        Gateway.Registry.Snapshot().ShouldBeEmpty();
    }

    [Fact]
    public async Task RenewAndDeregister_WithAnotherInstancesSecret_Return403AndChangeNothing()
    {
        var mine = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, await RequestAsync(), CancellationToken.None);
        await using var other = await TestInstance.StartAsync();
        var theirs = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = other.Url, Descriptor = await other.DescriptorAsync() }, CancellationToken.None);
        var impostor = theirs with { InstanceSecret = mine.InstanceSecret };

        var renew = await Should.ThrowAsync<RegistrationException>(() => Client.RenewAsync(Gateway.BaseAddress, impostor, new RenewLeaseRequest { Version = "1", DescriptorHash = "x" }, CancellationToken.None));
        var delete = await Should.ThrowAsync<RegistrationException>(() => Client.DeregisterAsync(Gateway.BaseAddress, impostor, CancellationToken.None));

        renew.Status.ShouldBe(HttpStatusCode.Forbidden);
        delete.Status.ShouldBe(HttpStatusCode.Forbidden);
        Gateway.Registry.Find(theirs.InstanceId).ShouldNotBeNull();
    }

    [Fact]
    public async Task Renew_WithoutSecret_Returns401()
    {
        var registration = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, await RequestAsync(), CancellationToken.None);

        using var request = RegistryGateway.Request(HttpMethod.Put, ContractPaths.RegistryLease(registration.InstanceId), null, JsonContent.Create(new { version = "1", descriptorHash = "x" }));
        using var response = await Gateway.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"version\":\"1.0.0\"}")]
    [InlineData("{\"version\":\"\\ud800\",\"descriptorHash\":\"x\"}")]
    [InlineData("{\"version\":\"\u00ff\",\"descriptorHash\":\"x\"}")]
    public async Task Renew_WithMalformedBody_Returns400AndKeepsTheRegistration(string body)
    {
        var registration = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, await RequestAsync(), CancellationToken.None);
        // Latin-1, so that U+00FF goes out as the byte 0xFF, which no UTF-8 text contains.
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new("application/json");

        using var request = RegistryGateway.Request(HttpMethod.Put, ContractPaths.RegistryLease(registration.InstanceId), registration.InstanceSecret, content);
        using var response = await Gateway.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        Gateway.Registry.Find(registration.InstanceId).ShouldNotBeNull();
    }

    [Fact]
    public async Task Deregister_WithoutSecret_Returns401AndKeepsTheRegistration()
    {
        var registration = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, await RequestAsync(), CancellationToken.None);

        using var request = RegistryGateway.Request(HttpMethod.Delete, ContractPaths.RegistryInstance(registration.InstanceId), null);
        using var response = await Gateway.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        Gateway.Registry.Find(registration.InstanceId).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:21", "http or https")]
    [InlineData("not a url", "http or https")]
    [InlineData("http://user:pw@127.0.0.1:5000", "credentials")]
    public async Task Register_WithBadBaseUrl_Returns400SayingWhy(string baseUrl, string reason)
    {
        var request = await RequestAsync() with { BaseUrl = baseUrl };

        var problem = await PostRegistrationAsync(JsonContent.Create(request, options: NexusJson.Options), HttpStatusCode.BadRequest);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain(reason);
    }

    [Fact]
    public async Task Register_WithTheGatewaysOwnAddress_Returns400()
    {
        var request = await RequestAsync() with { BaseUrl = Gateway.BaseAddress.ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) };

        var problem = await PostRegistrationAsync(JsonContent.Create(request, options: NexusJson.Options), HttpStatusCode.BadRequest);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("own address");
    }

    [Fact]
    public async Task Register_WithDescriptorViolatingTheSchema_Returns400ListingTheErrors()
    {
        var body = JsonSerializer.SerializeToNode(await RequestAsync(), NexusJson.Options)!;
        body["descriptor"]!["name"] = "Not A DNS Label";
        body["descriptor"]!["kind"] = "toaster";

        var problem = await PostRegistrationAsync(new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest);

        var errors = problem["errors"]!["descriptor"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        errors.ShouldContain(e => e.StartsWith("$.name", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("$.kind", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"baseUrl\":\"http://127.0.0.1:1\"}")]
    public async Task Register_WithMalformedBody_Returns400(string body)
    {
        await PostRegistrationAsync(new StringContent(body, Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Register_WithDescriptorOverTheSizeLimit_Returns413()
    {
        await using var gateway = await RegistryGateway.StartAsync(new Dictionary<string, string?> { ["Nexus:Registry:MaxDescriptorBytes"] = "2048" });
        var request = await RequestAsync() with { };
        var large = request with { Descriptor = request.Descriptor with { Description = new string('x', 1900) } };

        var error = await Should.ThrowAsync<RegistrationException>(() => Client.RegisterAsync(gateway.BaseAddress, RegistryGateway.Token, large, CancellationToken.None));

        error.Status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Renew_WithNewVersion_RefetchesTheDescriptorFromTheInstance()
    {
        var served = await Instance.DescriptorAsync();
        var stale = served with { Version = "0.0.1-old", Functions = [] };
        var registration = await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = Instance.Url, Descriptor = stale }, CancellationToken.None);

        await Client.RenewAsync(Gateway.BaseAddress, registration, new RenewLeaseRequest { Version = served.Version, DescriptorHash = DescriptorProvider.Hash(served) }, CancellationToken.None);

        var instance = Gateway.Registry.Find(registration.InstanceId)!;
        instance.Descriptor.Version.ShouldBe(served.Version);
        instance.Descriptor.Functions.ShouldContain(f => f.Name == "echo");
    }

    [Fact]
    public async Task List_WithFilters_ReturnsOnlyMatchingInstances()
    {
        var descriptor = await Instance.DescriptorAsync();
        var gpu = descriptor with { InstanceId = "gpu-1", Kind = ServiceKinds.Inference, Labels = new Dictionary<string, string> { ["gpu"] = "a100" }, Models = [new ModelDescriptor { Id = "llama" }] };
        var cpu = descriptor with { InstanceId = "cpu-1", Kind = ServiceKinds.Speech, Labels = new Dictionary<string, string> { ["gpu"] = "none" } };
        foreach (var d in new[] { gpu, cpu })
        {
            await Client.RegisterAsync(Gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = Instance.Url, Descriptor = d }, CancellationToken.None);
        }

        (await ListAsync("?kind=inference")).ShouldBe(["gpu-1"]);
        (await ListAsync("?label=gpu=none")).ShouldBe(["cpu-1"]);
        (await ListAsync("?model=llama")).ShouldBe(["gpu-1"]);
        (await ListAsync("?model=llama&kind=speech")).ShouldBeEmpty();
        (await ListAsync("?state=unhealthy")).ShouldBeEmpty();
        (await ListAsync(string.Empty)).ShouldBe(["cpu-1", "gpu-1"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("?state=sleeping")]
    [InlineData("?state=1")]
    [InlineData("?label=novalue")]
    public async Task List_WithInvalidFilter_Returns400(string query)
    {
        using var response = await Gateway.Client.GetAsync("v1/registry/instances" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Title.ShouldBe("Invalid filter");
    }

    [Fact]
    public async Task Get_UnknownInstance_Returns404Problem()
    {
        using var response = await Gateway.Client.GetAsync("v1/registry/instances/nobody");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    private async Task<string[]> ListAsync(string query)
    {
        var list = await Gateway.Client.GetFromJsonAsync<InstanceList>("v1/registry/instances" + query, NexusJson.Options);
        return [.. list!.Instances.Select(i => i.InstanceId)];
    }

    private async Task<JsonNode> PostRegistrationAsync(HttpContent content, HttpStatusCode expected)
    {
        using var request = RegistryGateway.Request(HttpMethod.Post, ContractPaths.RegistryInstances, RegistryGateway.Token, content);
        using var response = await Gateway.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        Gateway.Registry.Snapshot().ShouldBeEmpty();
        return JsonNode.Parse(text)!;
    }
}
