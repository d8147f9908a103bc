using System.Text.Json.Nodes;

namespace Nexus.Gateway.Tests.Fuzz;

/// <summary>Which credential a route takes: a tenant key, the admin key, a registration token, or none.</summary>
internal enum Credential
{
    None,
    Tenant,
    Admin,
    Registration,

    /// <summary>The secret a registration handed out, for its renewals and deregistration.</summary>
    Instance,
}

/// <summary>One public endpoint of the gateway, as <see cref="MalformedInputs"/> reads a service's function.</summary>
internal sealed record GatewayRoute(string Name, string Method, string Path, Credential Credential, JsonObject? Example = null, bool Multipart = false)
{
    /// <summary>Errors under <c>/v1/</c> are OpenAI's envelope, the registry's API excepted (problem details, as everywhere else).</summary>
    public bool OpenAI => Path.StartsWith("/v1/", StringComparison.Ordinal) && !Path.StartsWith("/v1/registry", StringComparison.Ordinal);

    /// <summary>A server-sent event stream that stays open while the client listens.</summary>
    public bool Streams => Path == "/v1/registry/watch";

    public JsonObject Function()
    {
        var function = new JsonObject { ["name"] = Name, ["method"] = Method, ["path"] = Path };
        if (Multipart)
        {
            function["requestContentTypes"] = new JsonArray("multipart/form-data");
            function["inputSchema"] = Schema("file", "model", "language", "response_format");
            function["ui"] = new JsonObject { ["fields"] = new JsonObject { ["file"] = new JsonObject { ["widget"] = "audio" } } };
        }
        else if (Example is not null)
        {
            function["requestContentTypes"] = new JsonArray("application/json");
            function["inputSchema"] = Schema([.. Example.Select(p => p.Key)]);
            function["examples"] = new JsonArray(new JsonObject { ["input"] = Example.DeepClone() });
        }

        return function;
    }

    private static JsonObject Schema(params string[] properties)
    {
        var schema = new JsonObject();
        foreach (var property in properties) schema[property] = new JsonObject();
        return new JsonObject { ["type"] = "object", ["properties"] = schema };
    }
}

/// <summary>
/// Every public endpoint of the gateway with a well-formed request for each, from which the fuzz inputs are made: the
/// OpenAI routes, <c>/v1/services</c>, the registry, the admin API and the defaults every service has.
/// </summary>
internal static class GatewayRoutes
{
    public const string Model = "fuzz-model";
    public const string Service = "echo";

    /// <param name="upstream">Where a fuzzed registration points.</param>
    /// <param name="tenantId">A tenant of its own for the admin routes, apart from the one whose key sends model traffic.</param>
    /// <param name="keyId">A key of that tenant.</param>
    /// <param name="instanceId">A registered instance, renewed and deregistered with its secret.</param>
    public static IReadOnlyList<GatewayRoute> All(Uri upstream, string tenantId, string keyId, string instanceId) =>
    [
        new("chat", "POST", "/v1/chat/completions", Credential.Tenant, Json(new { model = Model, messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 16, temperature = 0.5 })),
        new("chat-stream", "POST", "/v1/chat/completions", Credential.Tenant, Json(new { model = Model, messages = new[] { new { role = "user", content = "hi" } }, stream = true, stream_options = new { include_usage = true } })),
        new("completions", "POST", "/v1/completions", Credential.Tenant, Json(new { model = Model, prompt = "hi", max_tokens = 16, stream = false })),
        new("embeddings", "POST", "/v1/embeddings", Credential.Tenant, Json(new { model = Model, input = new[] { "hi", "there" }, encoding_format = "float" })),
        new("speech", "POST", "/v1/audio/speech", Credential.Tenant, Json(new { model = Model, input = "hi", voice = "alloy", response_format = "wav" })),
        new("images", "POST", "/v1/images/generations", Credential.Tenant, Json(new { model = Model, prompt = "a cat", n = 1, size = "256x256", response_format = "b64_json" })),
        new("transcriptions", "POST", "/v1/audio/transcriptions", Credential.Tenant, Multipart: true),
        new("models", "GET", "/v1/models", Credential.Tenant),
        new("model", "GET", $"/v1/models/{Model}", Credential.Tenant),
        new("model-any", "GET", "/v1/models/{id}", Credential.Tenant),
        new("usage", "GET", "/v1/usage", Credential.Tenant),
        new("image-file", "GET", "/v1/images/files/{link}.png", Credential.None),
        new("service-post", "POST", $"/v1/services/{Service}/v1/echo", Credential.Tenant, Json(new { text = "hi" })),
        new("service-get", "GET", $"/v1/services/{Service}/v1/items/1", Credential.Tenant),
        new("service-delete", "DELETE", $"/v1/services/{Service}/v1/items/1", Credential.Tenant),
        new("service-chat", "POST", $"/v1/services/{Service}/v1/chat/completions", Credential.Tenant, Json(new { model = Model, messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 16 })),
        new("service-unknown", "GET", "/v1/services/{service}/v1/x", Credential.Tenant),
        new("unknown-v1", "GET", "/v1/nothing-here", Credential.Tenant),
        new("register", "POST", "/v1/registry/instances", Credential.Registration, Registration(upstream, "fuzzed-1")),
        new("renew", "PUT", $"/v1/registry/instances/{instanceId}/lease", Credential.Instance, Json(new { version = "1.0.0", descriptorHash = "sha256:00" })),
        new("deregister", "DELETE", $"/v1/registry/instances/{instanceId}", Credential.Instance),
        new("deregister-any", "DELETE", "/v1/registry/instances/{id}", Credential.Instance),
        new("instances", "GET", "/v1/registry/instances", Credential.Admin),
        new("instance", "GET", $"/v1/registry/instances/{instanceId}", Credential.Admin),
        new("watch", "GET", "/v1/registry/watch", Credential.Admin),
        new("tenant-create", "POST", "/admin/tenants", Credential.Admin, Json(new { name = "fuzzed", policy = new { requestsPerMinute = 100, allowedModels = new[] { Model }, scopes = new[] { "chat" } } })),
        new("tenants", "GET", "/admin/tenants", Credential.Admin),
        new("tenant", "GET", $"/admin/tenants/{tenantId}", Credential.Admin),
        new("tenant-any", "GET", "/admin/tenants/{id}", Credential.Admin),
        new("tenant-update", "PUT", $"/admin/tenants/{tenantId}", Credential.Admin, Json(new { name = "renamed", policy = new { tokensPerMinute = 1000, dailyTokenBudget = 100000, routeLabels = new { gpu = "a100" } } })),
        new("tenant-delete", "DELETE", "/admin/tenants/{id}", Credential.Admin),
        new("key-create", "POST", $"/admin/tenants/{tenantId}/keys", Credential.Admin, Json(new { name = "k", expiresAt = "2099-01-01T00:00:00Z", policy = new { maxConcurrentRequests = 2 } })),
        new("keys", "GET", $"/admin/tenants/{tenantId}/keys", Credential.Admin),
        new("key-policy", "PUT", $"/admin/keys/{keyId}/policy", Credential.Admin, Json(new { allowedModels = new[] { Model }, scopes = new[] { "chat", "embeddings" }, monthlyTokenBudget = 5 })),
        new("key-revoke", "DELETE", "/admin/keys/{id}", Credential.Admin),
        new("routes", "GET", "/admin/routes", Credential.Admin),
        new("route", "GET", $"/admin/routes/models/{Model}", Credential.Admin),
        new("route-put", "PUT", "/admin/routes/models/fuzzed-route", Credential.Admin, Json(new { upstreams = new[] { new { url = upstream.ToString(), labels = new { gpu = "a100" }, version = "1", apiKey = "sk-x" } } })),
        new("route-delete", "DELETE", "/admin/routes/{kind}/{name}", Credential.Admin),
        new("canaries", "GET", "/admin/canaries", Credential.Admin),
        new("canary-reset", "POST", "/admin/canaries/{route}/reset", Credential.Admin),
        new("admin-usage", "GET", $"/admin/usage?tenantId={tenantId}&from=2020-01-01T00:00:00Z", Credential.Admin),
        new("audit", "GET", "/admin/audit?limit=10&status=200", Credential.Admin),
        new("health", "GET", "/health", Credential.None),
        new("alive", "GET", "/alive", Credential.None),
        new("metrics", "GET", "/metrics", Credential.None),
    ];

    /// <summary>The routes as a descriptor's functions, with <see cref="Model"/> in its catalog.</summary>
    public static JsonObject Descriptor(IEnumerable<GatewayRoute> routes) => new()
    {
        ["functions"] = new JsonArray([.. routes.Select(r => r.Function())]),
        ["models"] = new JsonArray(new JsonObject { ["id"] = Model }),
    };

    /// <summary>A registration the registry accepts: an instance of a service without functions, at <paramref name="upstream"/>.</summary>
    public static JsonObject Registration(Uri upstream, string instanceId)
    {
        var url = upstream.ToString().TrimEnd('/');
        return Json(new
        {
            baseUrl = url,
            descriptor = new { schemaVersion = 1, name = "fuzzed", version = "1.0.0", kind = "custom", instanceId, labels = new { }, baseUrls = new[] { url }, functions = Array.Empty<object>() },
        });
    }

    private static JsonObject Json(object value) => System.Text.Json.JsonSerializer.SerializeToNode(value)!.AsObject();
}
