using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Knowledge.Answering;
using Nexus.Services.Knowledge.Embeddings;
using Nexus.Services.Knowledge.Retrieval;
using Nexus.Services.Knowledge.Storage;
using Nexus.Services.Knowledge.Tenancy;

namespace Nexus.Services.Knowledge.Apis;

/// <summary><c>query</c>: the chunks that best match; <c>answer</c>: a model's answer from them, cited, streamed.</summary>
internal static class QueryApi
{
    public const int MaxTopK = 50;
    public const int MaxAnswerSources = 20;
    public const int MaxQueryCharacters = 8_000;

    public static void MapQuery(this IEndpointRouteBuilder api)
    {
        api.MapPost("/query", QueryAsync)
            .WithSummary("Finds the chunks of a collection that best match a query.")
            .WithDescription("Top-k chunks by cosine similarity of embeddings, optionally blended with keyword matching, each with its score and citation (document, position).")
            .AsNexusFunction("query", f => f
                .Order("collection", "query", "topK", "hybrid", "keywordWeight", "minScore")
                .Widget("query", UiWidgets.Textarea, label: "Query")
                .Example("coffee", new QueryRequest { Collection = "handbook", Query = "When is the coffee machine cleaned?", TopK = 3 })
                .Annotate(readOnly: true)
                .Result(UiWidgets.Json));

        api.MapPost("/answer", AnswerAsync)
            .WithSummary("Answers a question from a collection, citing its sources.")
            .WithDescription("Retrieves the best chunks and has the chat model answer from them alone, citing them as [1], [2]; streamed as server-sent events (sources, delta, done). When no chunk passes the threshold it says so instead of answering.")
            .AsNexusFunction("answer", f => f
                .Input<AnswerRequest>()
                .Produces("text/event-stream")
                .Streaming(StreamingModes.Sse)
                .Order("collection", "question", "topK", "minScore", "hybrid", "keywordWeight")
                .Widget("question", UiWidgets.Textarea, label: "Question")
                .Example("coffee", new AnswerRequest { Collection = "handbook", Question = "When is the coffee machine cleaned?" })
                .Annotate(readOnly: true)
                .Result(UiWidgets.Markdown));
    }

    private static async Task<Results<Ok<QueryResponse>, ValidationProblem, ProblemHttpResult>> QueryAsync(
        QueryRequest request, Tenant tenant, KnowledgeStore store, Retriever retriever, CancellationToken cancellationToken)
    {
        var errors = new Validation.Errors();
        errors.Collection(request.Collection);
        Text(errors, "query", request.Query);
        if (request.TopK is < 1 or > MaxTopK) errors.Add("topK", $"'topK' must be between 1 and {MaxTopK}.");
        errors.Range("keywordWeight", request.KeywordWeight, 0, 1);
        errors.Range("minScore", request.MinScore, -1, 1);
        if (errors.Problem is { } problem) return problem;

        var search = new Search(request.Query!, request.TopK ?? 5, request.Hybrid ?? false, request.KeywordWeight ?? 0.3, request.MinScore);
        try
        {
            if (await store.GetCollectionAsync(tenant, request.Collection!, cancellationToken) is not { } collection) return Problems.NoCollection(request.Collection!);
            var retrieval = await retriever.SearchAsync(tenant, collection, search, cancellationToken);
            return TypedResults.Ok(new QueryResponse(collection.Name, collection.Model, retrieval.Results));
        }
        catch (UpstreamUnavailableException ex)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }
        catch (CollectionConflictException ex)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ex.Message);
        }
    }

    private static async Task<IResult> AnswerAsync(
        AnswerRequest request, Tenant tenant, KnowledgeStore store, Retriever retriever, Answerer answerer, IOptions<KnowledgeOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Validation.Errors();
        errors.Collection(request.Collection);
        Text(errors, "question", request.Question);
        if (request.TopK is < 1 or > MaxAnswerSources) errors.Add("topK", $"'topK' must be between 1 and {MaxAnswerSources}.");
        errors.Range("keywordWeight", request.KeywordWeight, 0, 1);
        errors.Range("minScore", request.MinScore, -1, 1);
        if (errors.Problem is { } problem) return problem;
        if (answerer.Unavailable is { } reason) return Problems.Of(StatusCodes.Status503ServiceUnavailable, reason);

        var minScore = request.MinScore ?? options.Value.Chat.MinScore;
        var search = new Search(request.Question!, request.TopK ?? 4, request.Hybrid ?? false, request.KeywordWeight ?? 0.3, minScore);
        try
        {
            if (await store.GetCollectionAsync(tenant, request.Collection!, cancellationToken) is not { } collection) return Problems.NoCollection(request.Collection!);
            var retrieval = await retriever.SearchAsync(tenant, collection, search, cancellationToken);
            var events = await answerer.StartAsync(collection.Name, request.Question!, retrieval, minScore, cancellationToken);
            return TypedResults.ServerSentEvents(events);
        }
        catch (UpstreamUnavailableException ex)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }
        catch (CollectionConflictException ex)
        {
            return Problems.Of(StatusCodes.Status409Conflict, ex.Message);
        }
    }

    private static void Text(Validation.Errors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) errors.Add(field, $"'{field}' is required and must not be empty.");
        else if (value.Length > MaxQueryCharacters) errors.Add(field, $"'{field}' is {value.Length} characters; the maximum is {MaxQueryCharacters}.");
    }
}
