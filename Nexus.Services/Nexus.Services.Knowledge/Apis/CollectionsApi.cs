using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Contract;
using Nexus.Services.Knowledge.Storage;
using Nexus.Services.Knowledge.Tenancy;

namespace Nexus.Services.Knowledge.Apis;

/// <summary>The caller's collections: listing and deleting (a collection is created by its first document).</summary>
internal static class CollectionsApi
{
    public static void MapCollections(this IEndpointRouteBuilder api)
    {
        api.MapGet("/collections", ListAsync)
            .WithSummary("Lists your collections.")
            .WithDescription("Every collection of the caller's tenant, with its embedding model and how many documents and chunks it holds.")
            .AsNexusFunction("list-collections", f => f.Result(UiWidgets.Json));

        api.MapDelete("/collections/{collection}", DeleteAsync)
            .WithSummary("Deletes a collection with all its documents.")
            .AsNexusFunction("delete-collection", f => f.Annotate(readOnly: false, destructive: true, idempotent: true).Result(UiWidgets.Json));
    }

    private static async Task<Ok<CollectionList>> ListAsync(Tenant tenant, KnowledgeStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new CollectionList(await store.ListCollectionsAsync(tenant, cancellationToken)));

    private static async Task<Results<Ok<DeleteResponse>, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string collection, Tenant tenant, KnowledgeStore store, CancellationToken cancellationToken)
    {
        var errors = new Validation.Errors();
        errors.Collection(collection);
        if (errors.Problem is { } problem) return problem;
        return await store.DeleteCollectionAsync(tenant, collection, cancellationToken) is { } deleted ? TypedResults.Ok(deleted) : Problems.NoCollection(collection);
    }
}
