using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Nexus.Services.Knowledge.Embeddings;
using Nexus.Services.Knowledge.Retrieval;

namespace Nexus.Services.Knowledge.Answering;

/// <summary>
/// An answer written by a chat model from retrieved chunks, cited by number, as server-sent events: <c>sources</c>,
/// then <c>delta</c>s, then <c>done</c> (or <c>error</c> if the model fails midway), then <c>data: [DONE]</c>. With no
/// chunk above the threshold the model is not asked at all: the answer says that the collection holds nothing
/// relevant, and <c>done</c> says it is not grounded.
/// </summary>
internal sealed class Answerer(Upstreams upstreams, IHttpClientFactory httpClients, IOptions<KnowledgeOptions> options, ILogger<Answerer> logger)
{
    public const string NoChatModel = "No chat model is configured (Knowledge:Chat:Model), so answer is off; query and ingest work.";

    private const string Instructions =
        "You answer questions using only the numbered sources in the user's message. Cite each statement with the number of " +
        "its source in square brackets, like [1] or [2][3]. If the sources do not contain the answer, say so plainly and do " +
        "not answer from any other knowledge.";

    private IChatClient? _client;

    /// <summary>Why answers cannot be written now, before any work is done; <c>null</c> when a chat model is configured.</summary>
    public string? Unavailable => options.Value.Chat.Model is not { Length: > 0 } ? NoChatModel : upstreams.Chat.BaseUrl is null ? upstreams.Chat.Unconfigured : null;

    /// <summary>
    /// Starts the answer: the chat call is made and its first update awaited here, so a model that is missing or
    /// unreachable is a 503 before any event is sent. Throws <see cref="UpstreamUnavailableException"/>.
    /// </summary>
    public async Task<IAsyncEnumerable<SseItem<string>>> StartAsync(string collection, string question, Retrieved retrieval, double minScore, CancellationToken cancellationToken)
    {
        var sources = retrieval.Results.Select((r, i) => new AnswerSource(i + 1, r.Score, r.Text, r.Citation)).ToList();
        if (sources.Count == 0) return Refusal(collection, retrieval.BestScore, minScore);

        var model = options.Value.Chat.Model!;
        _client ??= upstreams.Chat.Client(httpClients.CreateClient(Upstream.HttpClientName)).GetChatClient(model).AsIChatClient();
        List<ChatMessage> messages = [new(ChatRole.System, Instructions), new(ChatRole.User, Prompt(question, sources))];
        var updates = _client.GetStreamingResponseAsync(messages, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            var first = await updates.MoveNextAsync();
            return Stream(sources, updates, first, model, cancellationToken).Append(EndOfStream);
        }
        catch (Exception ex) when (UpstreamUnavailableException.IsUpstreamFailure(ex, cancellationToken))
        {
            await updates.DisposeAsync();
            throw UpstreamUnavailableException.From(upstreams.Chat, model, ex);
        }
    }

    /// <summary>
    /// OpenAI's end of a stream, <c>data: [DONE]</c>, after the last event: the gateway reads every event stream as
    /// OpenAI's and reports one that ends without it as cut off.
    /// </summary>
    private static readonly SseItem<string> EndOfStream = new("[DONE]");

    /// <summary>An event with its data as JSON (camelCase, as the rest of the API).</summary>
    private static SseItem<string> Event<T>(T data, string name) => new(JsonSerializer.Serialize(data, JsonSerializerOptions.Web), name);

    internal static string Prompt(string question, IReadOnlyList<AnswerSource> sources)
    {
        var prompt = new StringBuilder("Sources:\n\n");
        foreach (var source in sources)
        {
            var page = source.Citation.Page is { } p ? string.Create(CultureInfo.InvariantCulture, $", page {p}") : "";
            prompt.Append(CultureInfo.InvariantCulture, $"[{source.Number}] (document \"{source.Citation.DocumentId}\", chunk {source.Citation.Position}{page})\n");
            prompt.Append(source.Text).Append("\n\n");
        }

        return prompt.Append("Question: ").Append(question).ToString();
    }

    private static IAsyncEnumerable<SseItem<string>> Refusal(string collection, double? bestScore, double minScore)
    {
        var best = bestScore is { } b ? string.Create(CultureInfo.InvariantCulture, $"the best match scored {b:0.00}") : "it holds no documents";
        var text = string.Create(CultureInfo.InvariantCulture,
            $"I cannot answer this from the collection '{collection}': no passage in it is relevant enough (a score of at least {minScore:0.00} is needed; {best}).");
        SseItem<string>[] events =
        [
            Event(new AnswerSources([]), "sources"),
            Event(new AnswerDelta(text), "delta"),
            Event(new AnswerDone(false, "no_relevant_sources"), "done"),
            EndOfStream,
        ];
        return events.ToAsyncEnumerable();
    }

    private async IAsyncEnumerable<SseItem<string>> Stream(List<AnswerSource> sources, IAsyncEnumerator<ChatResponseUpdate> updates, bool hasCurrent, string model,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var _ = updates;
        yield return Event(new AnswerSources(sources), "sources");
        string? finish = null;
        while (hasCurrent)
        {
            var update = updates.Current;
            if (update.FinishReason is { } reason) finish = reason.Value;
            if (update.Text is { Length: > 0 } text) yield return Event(new AnswerDelta(text), "delta");

            string? failure = null;
            try
            {
                hasCurrent = await updates.MoveNextAsync();
            }
            catch (Exception ex) when (UpstreamUnavailableException.IsUpstreamFailure(ex, cancellationToken))
            {
                failure = UpstreamUnavailableException.From(upstreams.Chat, model, ex).Message;
                KnowledgeLog.AnswerFailed(logger, failure);
            }

            if (failure is not null)
            {
                yield return Event(new AnswerError(failure), "error");
                yield break; // the caller's EndOfStream follows
            }
        }

        yield return Event(new AnswerDone(true, finish), "done");
    }
}
