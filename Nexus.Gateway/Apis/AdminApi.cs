using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Storage;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Apis;

/// <summary><c>/admin</c>: tenants, keys, policies, routes, usage and audit, behind the admin key only.</summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAdminKey().WithTags("Admin");
        admin.MapPost("/tenants", CreateTenantAsync).WithSummary("Creates a tenant with its policy.");
        admin.MapGet("/tenants", ListTenantsAsync).WithSummary("Lists tenants.");
        admin.MapGet("/tenants/{id}", GetTenantAsync).WithSummary("Gets a tenant.");
        admin.MapPut("/tenants/{id}", UpdateTenantAsync).WithSummary("Renames a tenant or replaces its policy.");
        admin.MapDelete("/tenants/{id}", DeleteTenantAsync).WithSummary("Deletes a tenant and revokes its keys; its audit records stay.");
        admin.MapPost("/tenants/{id}/keys", CreateKeyAsync).WithSummary("Creates an API key; the key is in this response only.");
        admin.MapGet("/tenants/{id}/keys", ListKeysAsync).WithSummary("Lists a tenant's keys (prefixes only).");
        admin.MapPut("/keys/{id}/policy", UpdateKeyPolicyAsync).WithSummary("Replaces a key's policy.");
        admin.MapDelete("/keys/{id}", RevokeKeyAsync).WithSummary("Revokes a key, on every replica within a second.");
        admin.MapRoutesAdminApi();
        admin.MapMcpRoutesAdminApi();
        admin.MapGet("/canaries", GetCanaries).WithSummary("Canary splits and whether they were rolled back.");
        admin.MapPost("/canaries/{route}/reset", ResetCanary).WithSummary("Clears a canary's counts and rollback, sending it traffic again.");
        admin.MapGet("/usage", GetUsageAsync).WithSummary("Token usage by tenant, key and model.");
        admin.MapGet("/audit", GetAuditAsync).WithSummary("Audit records, newest first; pass 'before' from the previous page's 'next'.");
        return app;
    }

    private static async Task<Results<Created<Tenant>, ProblemHttpResult>> CreateTenantAsync(CreateTenantRequest request, IGatewayStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) return TypedResults.Problem("'name' is required.", statusCode: 400);
        if (request.Policy?.Problem() is { } problem) return TypedResults.Problem(problem, statusCode: 400);
        var tenant = new Tenant(ApiKeys.NewId("tn_"), request.Name.Trim(), request.Policy ?? Policy.Unrestricted, time.GetUtcNow());
        await store.CreateTenantAsync(tenant, cancellationToken);
        return TypedResults.Created($"/admin/tenants/{tenant.Id}", tenant);
    }

    private static async Task<Ok<IReadOnlyList<Tenant>>> ListTenantsAsync(IGatewayStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListTenantsAsync(cancellationToken));

    private static async Task<Results<Ok<Tenant>, NotFound>> GetTenantAsync(string id, IGatewayStore store, CancellationToken cancellationToken) =>
        await store.GetTenantAsync(id, cancellationToken) is { } tenant ? TypedResults.Ok(tenant) : TypedResults.NotFound();

    private static async Task<Results<Ok<Tenant>, NotFound, ProblemHttpResult>> UpdateTenantAsync(string id, UpdateTenantRequest request, IGatewayStore store, CancellationToken cancellationToken)
    {
        if (request.Policy?.Problem() is { } problem) return TypedResults.Problem(problem, statusCode: 400);
        if (await store.GetTenantAsync(id, cancellationToken) is not { } tenant) return TypedResults.NotFound();
        var updated = tenant with { Name = string.IsNullOrWhiteSpace(request.Name) ? tenant.Name : request.Name.Trim(), Policy = request.Policy ?? tenant.Policy };
        return await store.UpdateTenantAsync(updated, cancellationToken) ? TypedResults.Ok(updated) : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> DeleteTenantAsync(string id, IGatewayStore store, TimeProvider time, CancellationToken cancellationToken) =>
        await store.DeleteTenantAsync(id, time.GetUtcNow(), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Created<CreatedKey>, NotFound, ProblemHttpResult>> CreateKeyAsync(
        string id, CreateKeyRequest request, IGatewayStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.GetTenantAsync(id, cancellationToken) is null) return TypedResults.NotFound();
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now) return TypedResults.Problem("'expiresAt' must be in the future.", statusCode: 400);
        if (request.Policy?.Problem() is { } problem) return TypedResults.Problem(problem, statusCode: 400);
        var key = ApiKeys.Generate(ApiKeys.TenantKeyPrefix);
        var record = new ApiKeyRecord(ApiKeys.NewId("key_"), id, request.Name?.Trim() ?? "", ApiKeys.DisplayPrefix(key), ApiKeys.Hash(key),
            request.Policy ?? Policy.Unrestricted, now, request.ExpiresAt, null);
        await store.CreateKeyAsync(record, cancellationToken);
        return TypedResults.Created($"/admin/tenants/{id}/keys", new CreatedKey(key, KeyInfo.From(record)));
    }

    private static async Task<Results<Ok<List<KeyInfo>>, NotFound>> ListKeysAsync(string id, IGatewayStore store, CancellationToken cancellationToken)
    {
        if (await store.GetTenantAsync(id, cancellationToken) is null) return TypedResults.NotFound();
        return TypedResults.Ok((await store.ListKeysAsync(id, cancellationToken)).Select(KeyInfo.From).ToList());
    }

    private static async Task<Results<Ok<KeyInfo>, NotFound, ProblemHttpResult>> UpdateKeyPolicyAsync(string id, Policy policy, IGatewayStore store, CancellationToken cancellationToken)
    {
        if (policy.Problem() is { } problem) return TypedResults.Problem(problem, statusCode: 400);
        if (!await store.UpdateKeyPolicyAsync(id, policy, cancellationToken)) return TypedResults.NotFound();
        return await store.GetKeyAsync(id, cancellationToken) is { } key ? TypedResults.Ok(KeyInfo.From(key)) : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> RevokeKeyAsync(string id, IGatewayStore store, TimeProvider time, CancellationToken cancellationToken) =>
        await store.RevokeKeyAsync(id, time.GetUtcNow(), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static Ok<IReadOnlyList<CanaryStatus>> GetCanaries(CanaryRouter canaries) => TypedResults.Ok(canaries.Statuses());

    private static Results<NoContent, NotFound> ResetCanary(string route, CanaryRouter canaries) =>
        canaries.Reset(route) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<UsageRow>>> GetUsageAsync(IGatewayStore store, string? tenantId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.QueryUsageAsync(new UsageQuery { TenantId = tenantId, From = from, To = to }, cancellationToken));

    private static async Task<Ok<AuditPage>> GetAuditAsync(
        IGatewayStore store, string? tenantId, string? keyId, string? model, int? status, DateTimeOffset? from, DateTimeOffset? to, long? before, int? limit,
        CancellationToken cancellationToken)
    {
        var size = Math.Clamp(limit ?? 100, 1, 1000);
        var rows = await store.QueryAuditAsync(new AuditQuery
        {
            TenantId = tenantId, KeyId = keyId, Model = model, Status = status, From = from, To = to, Before = before, Limit = size,
        }, cancellationToken);
        return TypedResults.Ok(new AuditPage(rows, rows.Count == size ? rows[^1].Id : null));
    }
}
