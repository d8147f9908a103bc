using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using Nexus.Contract;
using Nexus.ServiceDefaults.Mcp;
using Nexus.ServiceDefaults.McpClients;

namespace Nexus.ContractChecker;

/// <summary>
/// Checks a running service against docs/service-contract.md over HTTP only, so it works for a service in
/// any language. Each check says what it found; the descriptor-dependent checks run only once the
/// descriptor could be read.
/// </summary>
internal sealed class ContractCheck(HttpClient http)
{
    private readonly List<CheckResult> _results = [];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Uri service, RegistryTarget? registry, CancellationToken cancellationToken)
    {
        _results.Clear();
        try
        {
            var descriptor = await CheckDescriptorAsync(service, cancellationToken);
            var endpoints = descriptor?.Endpoints ?? new ContractEndpoints();

            await CheckSchemaEndpointAsync(service, cancellationToken);
            await CheckHealthAsync(service, endpoints, cancellationToken);
            await CheckRequestIdAsync(service, cancellationToken);
            var openApi = await CheckOpenApiAsync(service, endpoints, cancellationToken);
            await CheckMetricsAsync(service, endpoints, cancellationToken);

            if (descriptor is not null)
            {
                CheckFunctions(descriptor, openApi);
                await CheckBadInputAsync(service, descriptor, cancellationToken);
                await CheckMcpAsync(service, descriptor, cancellationToken);
                if (registry is not null) await CheckRegistrationAsync(registry, descriptor, cancellationToken);
            }
        }
        catch (HttpRequestException ex)
        {
            Add(CheckResult.Fail("connection", $"The checks stopped: connection failed ({ex.Message})."));
        }

        return [.. _results];
    }

    private async Task<NexusServiceDescriptor?> CheckDescriptorAsync(Uri service, CancellationToken cancellationToken)
    {
        const string name = "descriptor";
        var (status, body, contentType) = await GetAsync(new Uri(service, ContractPaths.Metadata), cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            Add(CheckResult.Fail(name, $"GET {ContractPaths.Metadata} answered {Describe(status)}; it must return the service descriptor with 200."));
            return null;
        }

        if (contentType != "application/json") Add(CheckResult.Fail(name, $"GET {ContractPaths.Metadata} has content type '{contentType}', not application/json."));

        JsonNode? document;
        try
        {
            document = JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            Add(CheckResult.Fail(name, $"GET {ContractPaths.Metadata} is not JSON: {ex.Message}"));
            return null;
        }

        var errors = JsonSchemaValidator.ForServiceDescriptor().Validate(document);
        if (errors.Count > 0)
        {
            Add(CheckResult.Fail(name, "The descriptor does not match the published schema:\n  " + string.Join("\n  ", errors)));
            return null;
        }

        var descriptor = document.Deserialize<NexusServiceDescriptor>(NexusJson.Options)!;
        Add(CheckResult.Pass(name, $"'{descriptor.Name}' {descriptor.Version} ({descriptor.Kind}), {descriptor.Functions.Count} function(s), {descriptor.Models?.Count ?? 0} model(s)."));
        return descriptor;
    }

    private async Task CheckSchemaEndpointAsync(Uri service, CancellationToken cancellationToken)
    {
        var (status, _, _) = await GetAsync(new Uri(service, ContractPaths.MetadataSchema), cancellationToken);
        Add(status == HttpStatusCode.OK
            ? CheckResult.Pass("descriptor schema", $"{ContractPaths.MetadataSchema} is served.")
            : CheckResult.Warn("descriptor schema", $"GET {ContractPaths.MetadataSchema} answered {Describe(status)}; services should serve the descriptor's schema."));
    }

    private async Task CheckHealthAsync(Uri service, ContractEndpoints endpoints, CancellationToken cancellationToken)
    {
        var (status, body, _) = await GetAsync(new Uri(service, endpoints.Health), cancellationToken);
        Add(status switch
        {
            HttpStatusCode.OK => CheckResult.Pass("readiness", $"{endpoints.Health} reports ready."),
            HttpStatusCode.ServiceUnavailable => CheckResult.Warn("readiness", $"{endpoints.Health} reports not ready: {Truncate(body)}"),
            _ => CheckResult.Fail("readiness", $"GET {endpoints.Health} answered {Describe(status)}; it must answer 200 (ready) or 503 (not ready)."),
        });

        var (alive, _, _) = await GetAsync(new Uri(service, endpoints.Alive), cancellationToken);
        Add(alive == HttpStatusCode.OK
            ? CheckResult.Pass("liveness", $"{endpoints.Alive} reports alive.")
            : CheckResult.Fail("liveness", $"GET {endpoints.Alive} answered {Describe(alive)}; it must answer 200 while the process works."));
    }

    private async Task CheckRequestIdAsync(Uri service, CancellationToken cancellationToken)
    {
        const string name = "request id";
        var sent = "contract-check-" + Guid.NewGuid().ToString("N")[..12];
        var echoed = await SendWithRequestIdAsync(service, sent, cancellationToken);
        if (echoed != sent)
        {
            Add(CheckResult.Fail(name, $"A safe {ContractHeaders.RequestId} '{sent}' came back as '{echoed ?? "(missing)"}'; it must be echoed."));
            return;
        }

        const string forged = "forged id\twith spaces";
        var replaced = await SendWithRequestIdAsync(service, forged, cancellationToken);
        Add(replaced is null || replaced == forged
            ? CheckResult.Fail(name, $"An unsafe {ContractHeaders.RequestId} was {(replaced is null ? "not answered with any id" : "echoed unchanged")}; it must be replaced by a generated one.")
            : CheckResult.Pass(name, "Safe ids are echoed, unsafe ones replaced."));
    }

    private async Task<JsonNode?> CheckOpenApiAsync(Uri service, ContractEndpoints endpoints, CancellationToken cancellationToken)
    {
        var (status, body, _) = await GetAsync(new Uri(service, endpoints.OpenApi), cancellationToken);
        JsonNode? document = null;
        if (status == HttpStatusCode.OK)
        {
            try
            {
                document = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                document = null;
            }
        }

        Add(document?["openapi"] is not null
            ? CheckResult.Pass("openapi", $"{endpoints.OpenApi} is an OpenAPI {document["openapi"]} document.")
            : CheckResult.Warn("openapi", $"GET {endpoints.OpenApi} answered {Describe(status)} without an OpenAPI document; services should publish one."));
        return document;
    }

    private async Task CheckMetricsAsync(Uri service, ContractEndpoints endpoints, CancellationToken cancellationToken)
    {
        var (status, body, contentType) = await GetAsync(new Uri(service, endpoints.Metrics), cancellationToken);
        Add(status == HttpStatusCode.OK && contentType == "text/plain" && body.Contains("# TYPE ", StringComparison.Ordinal)
            ? CheckResult.Pass("metrics", $"{endpoints.Metrics} serves Prometheus text.")
            : CheckResult.Warn("metrics", $"GET {endpoints.Metrics} answered {Describe(status)} ({contentType}); services should serve Prometheus text there."));
    }

    private void CheckFunctions(NexusServiceDescriptor descriptor, JsonNode? openApi)
    {
        foreach (var function in descriptor.Functions)
        {
            var name = $"function {function.Name}";
            var problems = new List<string>();
            if (function.InputSchema["type"]?.ToString() != "object") problems.Add("its inputSchema must have type 'object' (it is an MCP tool's inputSchema)");

            var input = new JsonSchemaValidator(function.InputSchema);
            foreach (var example in function.Examples)
            {
                problems.AddRange(input.Validate(example.Input).Select(e => $"example '{example.Name}' input: {e}"));
                if (example.Output is not null && function.OutputSchema is not null)
                {
                    problems.AddRange(new JsonSchemaValidator(function.OutputSchema).Validate(example.Output).Select(e => $"example '{example.Name}' output: {e}"));
                }
            }

            if (problems.Count > 0)
            {
                Add(CheckResult.Fail(name, string.Join("; ", problems)));
            }
            else if (openApi?["paths"]?[function.Path]?[function.Method.ToLowerInvariant()] is null)
            {
                Add(CheckResult.Warn(name, $"{function.Method} {function.Path} is not in the OpenAPI document."));
            }
            else
            {
                Add(CheckResult.Pass(name, $"{function.Method} {function.Path}: schemas and {function.Examples.Count} example(s) agree."));
            }
        }
    }

    /// <summary>Malformed JSON to a JSON function must be a 4xx in a documented error format, never a 500.</summary>
    private async Task CheckBadInputAsync(Uri service, NexusServiceDescriptor descriptor, CancellationToken cancellationToken)
    {
        var target = descriptor.Functions.FirstOrDefault(f => f.Method == "POST" && f.RequestContentTypes.Contains("application/json") && !f.Path.Contains('{', StringComparison.Ordinal));
        if (target is null) return;

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(service, target.Path.TrimStart('/')))
        {
            Content = new StringContent("{\"truncated\": ", Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        var documented = response.Content.Headers.ContentType?.MediaType == "application/problem+json" || IsOpenAIError(body);
        Add(status is >= 400 and < 500 && documented
            ? CheckResult.Pass("bad input", $"Malformed JSON to {target.Path} gets {status} with a documented error body.")
            : CheckResult.Fail("bad input", $"Malformed JSON to {target.Path} got {status} {(documented ? string.Empty : "without problem details or OpenAI's envelope")}; it must be a 4xx that says why."));
    }

    /// <summary>
    /// <c>/mcp</c> (MAY): when served, its <c>tools/list</c> must be the descriptor's functions as the contract maps
    /// them (name, title, description, schemas, annotations), form-only functions left out.
    /// </summary>
    private async Task CheckMcpAsync(Uri service, NexusServiceDescriptor descriptor, CancellationToken cancellationToken)
    {
        const string name = "mcp";
        McpToolSet listed;
        try
        {
            listed = await McpToolSet.ConnectAsync(new McpServerConnection { Name = descriptor.Name, Url = new Uri(service, "mcp") }, http, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or McpException or TimeoutException or IOException or JsonException or InvalidOperationException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Add(CheckResult.Warn(name, $"/mcp is not served ({Truncate(ex.Message)}); MCP clients still reach the functions through the gateway's /mcp."));
            return;
        }

        await using var _ = listed;
        var expected = descriptor.Functions.Select(f => FunctionTool.For(f)).OfType<FunctionTool>().ToDictionary(t => t.Tool.Name, t => t.Tool, StringComparer.Ordinal);
        var tools = listed.Tools.ToDictionary(t => t.Name, t => t.ProtocolTool, StringComparer.Ordinal);
        var problems = new List<string>();
        problems.AddRange(expected.Keys.Where(k => !tools.ContainsKey(k)).Select(k => $"function '{k}' is not a tool"));
        problems.AddRange(tools.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"tool '{k}' is no function of the descriptor"));
        foreach (var (tool, want) in expected)
        {
            if (!tools.TryGetValue(tool, out var got)) continue;
            if (got.Title != want.Title) problems.Add($"tool '{tool}': title '{got.Title}', the descriptor's summary is '{want.Title}'");
            if (got.Description != want.Description) problems.Add($"tool '{tool}': its description is not the descriptor's");
            if (!SameJson(got.InputSchema, want.InputSchema)) problems.Add($"tool '{tool}': its inputSchema is not the descriptor's");
            if (!SameJson(got.OutputSchema, want.OutputSchema)) problems.Add($"tool '{tool}': its outputSchema is not the descriptor's");
            if (got.Annotations?.ReadOnlyHint != want.Annotations?.ReadOnlyHint || got.Annotations?.DestructiveHint != want.Annotations?.DestructiveHint
                || got.Annotations?.IdempotentHint != want.Annotations?.IdempotentHint)
            {
                problems.Add($"tool '{tool}': its annotations are not the descriptor's");
            }
        }

        var leftOut = descriptor.Functions.Count - expected.Count;
        Add(problems.Count == 0
            ? CheckResult.Pass(name, $"/mcp lists {tools.Count} tool(s), one per function{(leftOut > 0 ? $" ({leftOut} form-only function(s) left out, as the contract says)" : "")}.")
            : CheckResult.Fail(name, "/mcp does not list the descriptor's functions as the contract maps them: " + string.Join("; ", problems)));
    }

    private static bool SameJson(JsonElement? a, JsonElement? b) =>
        a is null || b is null ? a is null && b is null : JsonNode.DeepEquals(JsonNode.Parse(a.Value.GetRawText()), JsonNode.Parse(b.Value.GetRawText()));

    private async Task CheckRegistrationAsync(RegistryTarget registry, NexusServiceDescriptor descriptor, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry.Url, ContractPaths.RegistryInstance(descriptor.InstanceId).TrimStart('/')));
        if (registry.Key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", registry.Key);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Add(CheckResult.Fail("registration", $"The registry at {registry.Url} does not list instance '{descriptor.InstanceId}' ({Describe(response.StatusCode)}): is Nexus:Registry:Url set and the token right?"));
            return;
        }

        var state = JsonNode.Parse(body)?["state"]?.ToString();
        Add(string.Equals(state, "ready", StringComparison.OrdinalIgnoreCase)
            ? CheckResult.Pass("registration", $"Registered with {registry.Url} as '{descriptor.InstanceId}', ready.")
            : CheckResult.Warn("registration", $"Registered with {registry.Url} as '{descriptor.InstanceId}', but its state is '{state}'."));
    }

    private async Task<string?> SendWithRequestIdAsync(Uri service, string requestId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service, ContractPaths.Metadata));
        request.Headers.TryAddWithoutValidation(ContractHeaders.RequestId, requestId);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.Headers.TryGetValues(ContractHeaders.RequestId, out var values) ? values.FirstOrDefault() : null;
    }

    private async Task<(HttpStatusCode Status, string Body, string? ContentType)> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), response.Content.Headers.ContentType?.MediaType);
        }
        catch (HttpRequestException ex)
        {
            return (0, ex.Message, null);
        }
    }

    private static bool IsOpenAIError(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["error"]?["message"] is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Describe(HttpStatusCode status) => status == 0 ? "nothing (connection failed)" : $"{(int)status}";

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..297] + "...";

    private void Add(CheckResult result) => _results.Add(result);
}

/// <summary>A registry to ask whether the service registered, with the key its listing needs.</summary>
internal sealed record RegistryTarget(Uri Url, string? Key);
