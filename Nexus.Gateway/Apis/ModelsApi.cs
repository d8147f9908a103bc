using System.Text.Json.Serialization;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Routing.Static;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Gateway.Apis;

/// <summary><c>/v1/models</c>: every model the caller's key may use, from registered catalogs and static routes.</summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ListModelsAsync).WithOpenAIErrors().WithName("models").WithSummary("Lists the models the caller's key may use.");
        return app;
    }

    private static async Task ListModelsAsync(HttpContext context, KeyAuthenticator keys, IServiceRegistry registry, StaticRoutes staticRoutes)
    {
        var caller = await keys.AuthenticateAsync(context.Request.Headers.Authorization, context.RequestAborted);
        if (caller is null)
        {
            await GatewayErrors.WriteAsync(context, 401, "Incorrect or missing API key. Send 'Authorization: Bearer <key>'.", code: "invalid_api_key");
            return;
        }

        if (!caller.AllowsScope(EndpointScopes.Models))
        {
            await GatewayErrors.WriteAsync(context, 403, "This key may not list models.", code: "endpoint_not_allowed");
            return;
        }

        var models = new SortedDictionary<string, ModelEntry>(StringComparer.Ordinal);
        foreach (var instance in registry.Snapshot().Where(i => i.State == InstanceState.Ready))
        {
            foreach (var model in instance.Descriptor.Models ?? [])
            {
                if (model.Ready) models.TryAdd(model.Id, new ModelEntry(model.Id, instance.RegisteredAt.ToUnixTimeSeconds(), model.OwnedBy));
            }
        }

        foreach (var id in staticRoutes.Current.Models.Keys) models.TryAdd(id, new ModelEntry(id, 0, "nexus"));
        var visible = models.Values.Where(m => caller.AllowsModel(m.Id)).ToList();
        await context.Response.WriteAsJsonAsync(new ModelList(visible), context.RequestAborted);
    }

    internal sealed record ModelList([property: JsonPropertyName("data")] IReadOnlyList<ModelEntry> Data)
    {
        [JsonPropertyName("object")]
        public string Object => "list";
    }

    internal sealed record ModelEntry(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("created")] long Created,
        [property: JsonPropertyName("owned_by")] string OwnedBy)
    {
        [JsonPropertyName("object")]
        public string Object => "model";
    }
}
