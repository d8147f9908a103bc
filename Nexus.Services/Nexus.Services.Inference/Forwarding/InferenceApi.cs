using Nexus.Contract;
using Nexus.ServiceDefaults.Errors;
using Nexus.Services.Inference.Embeddings;

namespace Nexus.Services.Inference.Forwarding;

/// <summary>
/// OpenAI-compatible routes, forwarded to the upstream that serves the requested model. The body goes upstream
/// byte for byte (so fields this service does not know survive), and the answer comes back as it arrives. Embeddings
/// for the local model (<c>all-minilm-l6-v2</c>) are answered in process instead.
/// </summary>
internal static class InferenceApi
{
    public static void MapInference(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/v1").WithOpenAIErrors();

        api.MapPost("/chat/completions", ChatAsync)
            .WithSummary("Chat completion, streamed or not, with tool calls.")
            .Accepts<ChatRequest>("application/json")
            .AsNexusFunction("chat", f => f
                .Input<ChatRequest>()
                .Produces("application/json", "text/event-stream")
                .Streaming(StreamingModes.Sse)
                .Order("model", "messages", "stream", "max_tokens", "tools")
                .Widget("messages", UiWidgets.Chat, label: "Conversation")
                .Widget("tools", UiWidgets.Json)
                .Result(UiWidgets.Chat));
        api.MapPost("/completions", CompleteAsync)
            .WithSummary("Text completion.")
            .Accepts<CompletionRequest>("application/json")
            .AsNexusFunction("complete", f => f.Input<CompletionRequest>().Produces("application/json", "text/event-stream").Widget("prompt", UiWidgets.Textarea));
        api.MapPost("/embeddings", EmbedAsync)
            .WithSummary("Embeddings of text: all-minilm-l6-v2 in process, other models on their upstream.")
            .Accepts<EmbeddingRequest>("application/json")
            .AsNexusFunction("embed", f => f.Input<EmbeddingRequest>().Widget("input", UiWidgets.Textarea).Result(UiWidgets.Json));
        api.MapGet("/models", ListModelsAsync).WithSummary("The local model and the models of every reachable upstream.");
    }

    private static Task ChatAsync(HttpContext context, Forwarder forwarder) => forwarder.ForwardAsync(context, "v1/chat/completions");

    private static Task CompleteAsync(HttpContext context, Forwarder forwarder) => forwarder.ForwardAsync(context, "v1/completions");

    private static async Task EmbedAsync(HttpContext context, Forwarder forwarder, LocalEmbeddings local)
    {
        var body = await Forwarder.ReadBodyAsync(context);
        // A body the forwarder would refuse (not JSON, no model) gets its error there, as on every route.
        if (RequestModel.Read(body, out var model) is null && local.Serves(model))
        {
            await local.EmbedAsync(context, body);
            return;
        }

        await forwarder.ForwardAsync(context, "v1/embeddings", body);
    }

    private static async Task<IResult> ListModelsAsync(IModelCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var models = await catalog.GetModelsAsync(cancellationToken);
        return Results.Json(new
        {
            @object = "list",
            data = models.Select(m => new { id = m.Id, @object = "model", created, owned_by = m.OwnedBy }),
        });
    }
}
