using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Nexus.Services.Knowledge.Apis;

/// <summary>A document given as text, to add to a collection or to replace the document of the same id.</summary>
public sealed record IngestDocumentRequest
{
    /// <summary>The collection: 1-64 letters, digits, '.', '_' or '-'; created on its first document.</summary>
    public string? Collection { get; init; }

    /// <summary>The document's id within the collection (1-200 letters, digits, '.', '_', ':', '@' or '-'); ingesting the same id again replaces it.</summary>
    public string? DocumentId { get; init; }

    /// <summary>The document's content.</summary>
    public string? Text { get; init; }

    /// <summary>How to read the text: text, markdown or html.</summary>
    [DefaultValue("text")]
    public string? Format { get; init; }

    /// <summary>Where the document came from (a URL, a file name); returned with every citation.</summary>
    public string? Source { get; init; }
}

/// <summary>What ingesting a document did.</summary>
/// <param name="Collection">The collection.</param>
/// <param name="DocumentId">The document's id.</param>
/// <param name="Format">The format it was read as.</param>
/// <param name="Characters">Characters of text after conversion.</param>
/// <param name="Chunks">Chunks stored (the document's previous chunks are gone).</param>
/// <param name="Replaced">Whether a document with this id was replaced.</param>
/// <param name="Model">The embedding model of the collection.</param>
public sealed record IngestDocumentResponse(string Collection, string DocumentId, string Format, int Characters, int Chunks, bool Replaced, string Model);

/// <summary>The multipart form of <c>upload-document</c>.</summary>
public sealed record UploadDocumentForm
{
    /// <summary>The collection: 1-64 letters, digits, '.', '_' or '-'.</summary>
    public string? Collection { get; init; }

    /// <summary>The document's id; defaults to the file's name.</summary>
    public string? DocumentId { get; init; }

    /// <summary>text, markdown, html or pdf; defaults to what the file's type or name says.</summary>
    public string? Format { get; init; }

    /// <summary>Where the document came from; defaults to the file's name.</summary>
    public string? Source { get; init; }

    /// <summary>The document: UTF-8 text, Markdown or HTML, or a PDF.</summary>
    public string? File { get; init; }
}

/// <summary>A collection of the caller's tenant.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Model">The embedding model its chunks were embedded with.</param>
/// <param name="Dimensions">The length of its vectors.</param>
/// <param name="Documents">Documents in it.</param>
/// <param name="Chunks">Chunks in it.</param>
/// <param name="CreatedAt">When its first document arrived.</param>
public sealed record CollectionSummary(string Name, string Model, int Dimensions, int Documents, int Chunks, DateTimeOffset CreatedAt);

/// <summary>A document of a collection.</summary>
/// <param name="DocumentId">Its id.</param>
/// <param name="Source">Where it came from, if given.</param>
/// <param name="Format">The format it was read as.</param>
/// <param name="Characters">Characters of text.</param>
/// <param name="Chunks">Chunks stored for it.</param>
/// <param name="IngestedAt">When it was last ingested.</param>
public sealed record DocumentSummary(string DocumentId, string? Source, string Format, int Characters, int Chunks, DateTimeOffset IngestedAt);

/// <summary>The documents of one collection.</summary>
public sealed record DocumentList(string Collection, IReadOnlyList<DocumentSummary> Documents);

/// <summary>The caller's collections.</summary>
public sealed record CollectionList(IReadOnlyList<CollectionSummary> Collections);

/// <summary>A search of one collection.</summary>
public sealed record QueryRequest
{
    /// <summary>The collection to search.</summary>
    public string? Collection { get; init; }

    /// <summary>What to look for, in words.</summary>
    public string? Query { get; init; }

    /// <summary>How many chunks to return, 1-50.</summary>
    [DefaultValue(5)]
    public int? TopK { get; init; }

    /// <summary>Blend in keyword matching: the score becomes (1 - keywordWeight) x similarity + keywordWeight x the share of the query's words the chunk contains.</summary>
    [DefaultValue(false)]
    public bool? Hybrid { get; init; }

    /// <summary>The keyword share of a hybrid score, 0-1.</summary>
    [DefaultValue(0.3)]
    public double? KeywordWeight { get; init; }

    /// <summary>Leave out chunks scoring below this (-1 to 1); none by default.</summary>
    public double? MinScore { get; init; }
}

/// <summary>The chunks that best match a query, best first.</summary>
/// <param name="Collection">The collection searched.</param>
/// <param name="Model">The embedding model used.</param>
/// <param name="Results">The chunks, best first.</param>
public sealed record QueryResponse(string Collection, string Model, IReadOnlyList<QueryResult> Results);

/// <summary>One retrieved chunk with its citation.</summary>
/// <param name="Score">The ranking score: the similarity, or the hybrid blend.</param>
/// <param name="Similarity">Cosine similarity of the query's and the chunk's embeddings, -1 to 1.</param>
/// <param name="KeywordScore">With hybrid scoring, the share of the query's words found in the chunk, 0-1.</param>
/// <param name="Text">The chunk's text.</param>
/// <param name="Citation">Which document and where in it.</param>
public sealed record QueryResult(
    double Score,
    double Similarity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? KeywordScore,
    string Text,
    Citation Citation);

/// <summary>Where a chunk comes from.</summary>
/// <param name="DocumentId">The document's id.</param>
/// <param name="Position">The chunk's index in the document, from 0.</param>
/// <param name="Start">Offset of the chunk's first character in the document's text.</param>
/// <param name="Length">The chunk's length in characters.</param>
/// <param name="Page">The page the chunk starts on, for PDFs.</param>
/// <param name="Source">The document's source, if given.</param>
public sealed record Citation(string DocumentId, int Position, int Start, int Length, int? Page, string? Source);

/// <summary>A question to answer from one collection.</summary>
public sealed record AnswerRequest
{
    /// <summary>The collection to answer from.</summary>
    public string? Collection { get; init; }

    /// <summary>The question.</summary>
    public string? Question { get; init; }

    /// <summary>How many chunks to give the model as sources, 1-20.</summary>
    [DefaultValue(4)]
    public int? TopK { get; init; }

    /// <summary>Least score a chunk needs to be a source; with none above it the answer says so instead of guessing. Defaults to the service's setting (0.3).</summary>
    public double? MinScore { get; init; }

    /// <summary>Blend in keyword matching when retrieving, as in query.</summary>
    [DefaultValue(false)]
    public bool? Hybrid { get; init; }

    /// <summary>The keyword share of a hybrid score, 0-1.</summary>
    [DefaultValue(0.3)]
    public double? KeywordWeight { get; init; }
}

/// <summary>What a deletion removed.</summary>
/// <param name="Collection">The collection.</param>
/// <param name="DocumentId">The document deleted; <c>null</c> when the whole collection was.</param>
/// <param name="Documents">Documents removed.</param>
/// <param name="Chunks">Chunks removed.</param>
public sealed record DeleteResponse(string Collection, string? DocumentId, int Documents, int Chunks);
