using Nexus.Services.Knowledge.Apis;

namespace Nexus.Services.Knowledge.Answering;

/// <summary>The first event of an answer: the sources it may cite, by number.</summary>
public sealed record AnswerSources(IReadOnlyList<AnswerSource> Sources);

/// <summary>One source: <c>[Number]</c> in the answer's text cites it.</summary>
public sealed record AnswerSource(int Number, double Score, string Text, Citation Citation);

/// <summary>A piece of the answer's text, as the model writes it.</summary>
public sealed record AnswerDelta(string Text);

/// <summary>The last event: whether the answer came from sources, and why it ended.</summary>
/// <param name="Grounded">False when nothing in the collection was relevant enough and the answer says so instead.</param>
/// <param name="FinishReason">The model's finish reason, or <c>no_relevant_sources</c>.</param>
public sealed record AnswerDone(bool Grounded, string? FinishReason);

/// <summary>The chat endpoint failed after the answer had begun.</summary>
public sealed record AnswerError(string Detail);
