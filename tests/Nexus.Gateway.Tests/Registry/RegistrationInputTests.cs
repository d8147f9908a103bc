using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Tests.Registry.Infrastructure;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>Registrations that once answered 500, or were accepted and then broke the registry's own answers.</summary>
public sealed class RegistrationInputTests : RegistryFixture
{
    [Fact]
    public async Task Register_WithDuplicateBaseUrlKey_Returns400NamingIt()
    {
        var body = (await BodyAsync()).ToJsonString();
        var duplicated = "{\"baseUrl\":\"http://169.254.169.254\"," + body[1..];

        var problem = await AddressPolicyTests.PostAsync(Gateway, duplicated, HttpStatusCode.BadRequest);

        problem["errors"]!["baseUrl"]![0]!.GetValue<string>().ShouldContain("appears twice");
    }

    [Fact]
    public async Task Register_WithDuplicateKeyInsideTheDescriptor_Returns400()
    {
        var body = (await BodyAsync()).ToJsonString().Replace("\"labels\":{", "\"labels\":{\"a\":\"1\",\"a\":\"2\",", StringComparison.Ordinal);

        var problem = await AddressPolicyTests.PostAsync(Gateway, body, HttpStatusCode.BadRequest);

        problem["errors"]!["descriptor"]![0]!.GetValue<string>().ShouldStartWith("$.descriptor.labels.a");
    }

    [Fact]
    public async Task Register_WithInvalidUtf8_Returns400()
    {
        var text = (await BodyAsync()).ToJsonString().Replace("\"name\":\"", "\"name\":\"\u00ff", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        var at = Array.IndexOf(bytes, (byte)0xC3);
        bytes[at] = 0xFF; // a lone 0xFF byte: never valid UTF-8

        var problem = await PostBytesAsync(bytes, HttpStatusCode.BadRequest);

        problem["errors"]!["body"]![0]!.GetValue<string>().ShouldContain("UTF-8");
    }

    [Theory]
    [InlineData("\"description\":\"\\ud800\"")]
    [InlineData("\"description\":\"\\udc00x\"")]
    [InlineData("\"labels\":{\"\\ud800\":\"x\"}")]
    public async Task Register_WithALoneSurrogateEscape_Returns400(string member)
    {
        var body = await BodyAsync();
        var descriptor = body["descriptor"]!.AsObject();
        descriptor.Remove(member.Contains("labels", StringComparison.Ordinal) ? "labels" : "description");
        var text = body.ToJsonString().Replace("\"descriptor\":{", "\"descriptor\":{" + member + ",", StringComparison.Ordinal);

        var problem = await AddressPolicyTests.PostAsync(Gateway, text, HttpStatusCode.BadRequest);

        problem["errors"]!["descriptor"]![0]!.GetValue<string>().ShouldContain("Unicode");
    }

    [Fact]
    public async Task Register_WithInputSchemaNesting60Objects_Returns400NamingTheLimit_AndTheListingStillAnswers()
    {
        var body = await BodyAsync();
        body["descriptor"]!["functions"]![0]!["inputSchema"] = Nested(60);

        var problem = await AddressPolicyTests.PostAsync(Gateway, body.ToJsonString(), HttpStatusCode.BadRequest);

        problem["errors"]!["descriptor"]![0]!.GetValue<string>().ShouldContain($"at most {RegistrationValidator.MaxDescriptorDepth} levels");
        using var listing = await Gateway.Client.GetAsync("v1/registry/instances");
        listing.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Register_AtTheDepthLimit_IsAcceptedAndEveryWriterWritesItBack()
    {
        // The descriptor is level 1, functions 2, the function 3, its input schema 4: a schema of 29 levels reaches 32 exactly.
        var deepest = RegistrationValidator.MaxDescriptorDepth - 3;
        var body = await BodyAsync();
        body["descriptor"]!["functions"]![0]!["inputSchema"] = Nested(deepest);
        var tooDeep = JsonNode.Parse(body.ToJsonString())!;
        tooDeep["descriptor"]!["functions"]![0]!["inputSchema"] = Nested(deepest + 1);

        await AddressPolicyTests.PostAsync(Gateway, tooDeep.ToJsonString(), HttpStatusCode.BadRequest);
        var created = await AddressPolicyTests.PostAsync(Gateway, body.ToJsonString(), HttpStatusCode.Created);
        var id = created["instanceId"]!.GetValue<string>();

        // The registry API: the listing, one instance, the watch.
        using var listing = await Gateway.Client.GetAsync("v1/registry/instances");
        listing.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var one = await Gateway.Client.GetAsync($"v1/registry/instances/{id}");
        one.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var watchTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var watch = await Gateway.Client.GetAsync("v1/registry/watch", HttpCompletionOption.ResponseHeadersRead, watchTimeout.Token);
        using var events = new StreamReader(await watch.Content.ReadAsStreamAsync(watchTimeout.Token));
        string? line;
        while ((line = await events.ReadLineAsync(watchTimeout.Token)) is not null && !line.StartsWith("data:", StringComparison.Ordinal))
        {
        }

        JsonNode.Parse(line!["data:".Length..])!["instanceId"]!.GetValue<string>().ShouldBe(id);

        // The etcd backend's value and an MCP tools/list answer, written as they are written.
        var record = Gateway.App.Services.GetRequiredService<ServiceRegistry>().FindRecord(id)!.Value.Record;
        JsonSerializer.Deserialize<InstanceRecord>(JsonSerializer.SerializeToUtf8Bytes(record, NexusJson.Options), NexusJson.Options)!.InstanceId.ShouldBe(id);
        var tools = new ListToolsResult { Tools = [.. record.Descriptor.Functions.Select(McpTools.ToTool)] };
        var message = new JsonRpcResponse { Id = new RequestId(1), Result = JsonSerializer.SerializeToNode(tools, McpJsonUtilities.DefaultOptions) };
        JsonSerializer.Serialize<JsonRpcMessage>(message, McpJsonUtilities.DefaultOptions).ShouldContain("\"tools\"");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"baseUrl\":\"http://127.0.0.1:1\",")]
    [InlineData("{} {}")]
    [InlineData("null")]
    public async Task Register_WithBrokenJson_Returns400(string body)
    {
        await PostBytesAsync(Encoding.UTF8.GetBytes(body), HttpStatusCode.BadRequest);
    }

    private async Task<JsonObject> BodyAsync() =>
        JsonSerializer.SerializeToNode(new RegisterInstanceRequest { BaseUrl = Instance.Url, Descriptor = await Instance.DescriptorAsync() }, NexusJson.Options)!.AsObject();

    /// <summary>A schema nesting exactly <paramref name="levels"/> objects, itself the first (arrays of arrays of ... strings).</summary>
    private static JsonObject Nested(int levels)
    {
        var schema = new JsonObject { ["type"] = "string" };
        for (var i = 1; i < levels; i++) schema = new JsonObject { ["type"] = "array", ["items"] = schema };
        return schema;
    }

    private async Task<JsonNode> PostBytesAsync(byte[] body, HttpStatusCode expected)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var request = RegistryGateway.Request(HttpMethod.Post, ContractPaths.RegistryInstances, RegistryGateway.Token, content);
        using var response = await Gateway.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return JsonNode.Parse(text)!;
    }
}
