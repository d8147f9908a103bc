using Nexus.Contract;
using Nexus.ServiceDefaults.Errors;
using Nexus.Services.Inference.Catalog;

namespace Nexus.Services.Inference.Forwarding;

/// <summary>
/// OpenAI-compatible routes, forwarded to the upstream that serves the requested model. The body goes upstream
/// byte for byte (so fields this service does not know survive), and the answer comes back as it arrives.
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
            .WithSummary("Embeddings of text.")
            .Accepts<EmbeddingRequest>("application/json")
            .AsNexusFunction("embed", f => f.Input<EmbeddingRequest>().Widget("input", UiWidgets.Textarea).Result(UiWidgets.Json));
        api.MapGet("/models", ListModelsAsync).WithSummary("The models of every reachable upstream.");
    }

    private static Task ChatAsync(HttpContext context, Forwarder forwarder) => forwarder.ForwardAsync(context, "v1/chat/completions");

    private static Task CompleteAsync(HttpContext context, Forwarder forwarder) => forwarder.ForwardAsync(context, "v1/completions");

    private static Task EmbedAsync(HttpContext context, Forwarder forwarder) => forwarder.ForwardAsync(context, "v1/embeddings");

    private static async Task<IResult> ListModelsAsync(UpstreamCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
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
