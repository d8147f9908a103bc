using System.Text.Json.Serialization;
using Nexus.Contract;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Routing.Static;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Gateway.Apis;

/// <summary>
/// <c>/v1/models</c> and <c>/v1/models/{id}</c>: every model the caller's key may use that something ready serves, from
/// registered catalogs and from static routes with a reachable upstream.
/// </summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ListModelsAsync).WithOpenAIErrors().WithName("models").WithSummary("Lists the models the caller's key may use.");
        app.MapGet("/v1/models/{**id}", GetModelAsync).WithOpenAIErrors().WithName("model").WithSummary("One model the caller's key may use, in OpenAI's shape.");
        return app;
    }

    private static async Task ListModelsAsync(HttpContext context, KeyAuthenticator keys, AuthThrottle throttle, IServiceRegistry registry, StaticRoutes staticRoutes, RouteResolver routes)
    {
        if (await AuthorisedAsync(context, keys, throttle) is not { } caller) return;
        var visible = Visible(caller, registry, staticRoutes, routes).Values.ToList();
        await context.Response.WriteAsJsonAsync(new ModelList(visible), context.RequestAborted);
    }

    private static async Task GetModelAsync(HttpContext context, string id, KeyAuthenticator keys, AuthThrottle throttle, IServiceRegistry registry, StaticRoutes staticRoutes, RouteResolver routes)
    {
        if (await AuthorisedAsync(context, keys, throttle) is not { } caller) return;
        var visible = Visible(caller, registry, staticRoutes, routes);
        if (visible.TryGetValue(id, out var model) || (ModelTags.LatestOf(id) ?? ModelTags.UntaggedOf(id)) is { } same && visible.TryGetValue(same, out model))
        {
            await context.Response.WriteAsJsonAsync(model, context.RequestAborted);
            return;
        }

        // The same answer for a model that does not exist and one the key may not use: a key learns nothing it may not use.
        await GatewayErrors.WriteAsync(context, 404, $"The model '{id}' does not exist or you do not have access to it.", "model", "model_not_found");
    }

    private static async Task<Caller?> AuthorisedAsync(HttpContext context, KeyAuthenticator keys, AuthThrottle throttle)
    {
        var caller = await keys.AuthenticateAsync(context.Request.Headers.Authorization, context.RequestAborted);
        if (caller is null)
        {
            if (context.Request.Headers.Authorization.Count > 0) throttle.Failed(context.Connection.RemoteIpAddress);
            await GatewayErrors.WriteAsync(context, 401, "Incorrect or missing API key. Send 'Authorization: Bearer <key>'.", code: "invalid_api_key");
            return null;
        }

        if (!caller.AllowsScope(EndpointScopes.Models))
        {
            await GatewayErrors.WriteAsync(context, 403, "This key may not list models.", code: "endpoint_not_allowed");
            return null;
        }

        return caller;
    }

    private static SortedDictionary<string, ModelEntry> Visible(Caller caller, IServiceRegistry registry, StaticRoutes staticRoutes, RouteResolver routes)
    {
        var models = new SortedDictionary<string, ModelEntry>(StringComparer.Ordinal);
        foreach (var instance in registry.Snapshot())
        {
            if (instance.State != InstanceState.Ready) continue;
            foreach (var model in instance.Descriptor.Models ?? [])
            {
                if (model.Ready && caller.AllowsModel(model.Id)) models.TryAdd(model.Id, new ModelEntry(model.Id, instance.RegisteredAt.ToUnixTimeSeconds(), model.OwnedBy));
            }
        }

        foreach (var id in staticRoutes.Current.Models.Keys)
        {
            if (caller.AllowsModel(id) && routes.IsStaticModelReachable(id)) models.TryAdd(id, new ModelEntry(id, 0, "nexus"));
        }

        return models;
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
