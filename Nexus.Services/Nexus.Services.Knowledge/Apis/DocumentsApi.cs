using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Engines;
using Nexus.Services.Knowledge.Documents;
using Nexus.Services.Knowledge.Embeddings;
using Nexus.Services.Knowledge.Storage;
using Nexus.Services.Knowledge.Tenancy;

namespace Nexus.Services.Knowledge.Apis;

/// <summary>Adding, replacing, listing and deleting documents.</summary>
internal static class DocumentsApi
{
    public static void MapDocuments(this IEndpointRouteBuilder api)
    {
        api.MapPost("/documents", IngestAsync)
            .WithSummary("Adds a document given as text, or replaces the one with the same id.")
            .WithDescription("Converts text, Markdown or HTML to plain text, splits it into overlapping chunks, embeds them and stores them with their position; a document of the same id loses its old chunks.")
            .AsNexusFunction("ingest-document", f => f
                .Order("collection", "documentId", "text", "format", "source")
                .Widget("text", UiWidgets.Textarea, label: "Text")
                .Widget("format", UiWidgets.Select, help: "text, markdown or html")
                .Example("note", new IngestDocumentRequest { Collection = "handbook", DocumentId = "coffee", Text = "The office coffee machine is descaled every Friday.", Format = "text" })
                .Annotate(readOnly: false, destructive: true, idempotent: true)
                .Result(UiWidgets.Json));

        api.MapPost("/documents/upload", UploadAsync)
            .WithSummary("Adds an uploaded document (text, Markdown, HTML or PDF), or replaces the one with the same id.")
            .WithDescription("Like ingest-document, for a file: its format comes from 'format', its content type or its name. PDFs are read with pdftotext where installed (else 415).")
            .AsNexusFunction("upload-document", f => f
                .Input<UploadDocumentForm>()
                .Output<IngestDocumentResponse>()
                .Accepts("multipart/form-data")
                .Order("collection", "file", "documentId", "format", "source")
                .Widget("file", UiWidgets.File, label: "Document")
                .Annotate(readOnly: false, destructive: true, idempotent: true)
                .Result(UiWidgets.Json));

        api.MapGet("/collections/{collection}/documents", ListAsync)
            .WithSummary("Lists the documents of a collection.")
            .AsNexusFunction("list-documents", f => f.Result(UiWidgets.Json));

        api.MapDelete("/collections/{collection}/documents/{documentId}", DeleteAsync)
            .WithSummary("Deletes a document and its chunks.")
            .AsNexusFunction("delete-document", f => f.Annotate(readOnly: false, destructive: true, idempotent: true).Result(UiWidgets.Json));
    }

    private static async Task<Results<Ok<IngestDocumentResponse>, ValidationProblem, ProblemHttpResult>> IngestAsync(
        IngestDocumentRequest request, Tenant tenant, Ingestion ingestion, IOptions<KnowledgeOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Validation.Errors();
        errors.Collection(request.Collection);
        DocumentId(errors, request.DocumentId);
        var format = (request.Format ?? DocumentFormat.Text).ToLowerInvariant();
        if (format == DocumentFormat.Pdf) errors.Add("format", "A PDF is sent as a file: use upload-document (POST /v1/knowledge/documents/upload).");
        else if (!DocumentFormat.TextFormats.Contains(format)) errors.Add("format", $"'format' must be one of: {string.Join(", ", DocumentFormat.TextFormats)}.");
        if (string.IsNullOrWhiteSpace(request.Text)) errors.Add("text", "'text' is required and must not be empty.");
        if (errors.Problem is { } problem) return problem;

        var text = DocumentReader.FromText(request.Text!, format);
        return await StoreAsync(tenant, new DocumentText(request.Collection!, request.DocumentId!, format, request.Source, text), ingestion, options.Value, cancellationToken);
    }

    private static async Task<Results<Ok<IngestDocumentResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        HttpRequest request, Tenant tenant, DocumentReader reader, Ingestion ingestion, IOptions<KnowledgeOptions> options, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Send the document as multipart/form-data: a 'file' part and a 'collection' field.");
        var form = await request.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile("file");
        var errors = new Validation.Errors();
        var collection = form["collection"].ToString();
        errors.Collection(collection);
        if (file is null) errors.Add("file", form.ContainsKey("file") ? "'file' must be a file part (with a filename), not a text field." : "'file' is required: the document to ingest.");
        else if (file.Length == 0) errors.Add("file", "'file' is empty.");

        var documentId = form["documentId"].ToString() is { Length: > 0 } given ? given : Validation.DocumentIdFromFileName(file?.FileName);
        if (file is not null) DocumentId(errors, documentId);
        var requested = form["format"].ToString();
        if (requested.Length > 0 && !DocumentFormat.All.Contains(requested.ToLowerInvariant())) errors.Add("format", $"'format' must be one of: {string.Join(", ", DocumentFormat.All)}.");
        if (errors.Problem is { } problem) return problem;

        var head = new byte[8];
        await using (var peek = file!.OpenReadStream())
        {
            await peek.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        }

        if (DocumentFormat.OfUpload(requested, file.ContentType, file.FileName, head) is not { } format)
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType,
                $"'{file.FileName}' ({file.ContentType}) is not a format this service reads: {string.Join(", ", DocumentFormat.All)}. Name it by extension or set 'format'.");
        }

        string text;
        try
        {
            await using var content = file.OpenReadStream();
            text = await reader.FromFileAsync(content, format, cancellationToken);
        }
        catch (UnsupportedDocumentException ex)
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, ex.Message);
        }
        catch (UnreadableInputException ex)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, ex.Message);
        }
        catch (EngineUnavailableException ex)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }

        var source = form["source"].ToString() is { Length: > 0 } s ? s : Path.GetFileName(file.FileName);
        return await StoreAsync(tenant, new DocumentText(collection, documentId!, format, source, text), ingestion, options.Value, cancellationToken);
    }

    private static async Task<Results<Ok<IngestDocumentResponse>, ValidationProblem, ProblemHttpResult>> StoreAsync(
        Tenant tenant, DocumentText document, Ingestion ingestion, KnowledgeOptions options, CancellationToken cancellationToken)
    {
        if (document.Text.Length == 0) return Problems.Of(StatusCodes.Status400BadRequest, $"The document has no text once read as {document.Format}.");
        if (document.Text.Length > options.MaxDocumentCharacters)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, $"The document has {document.Text.Length} characters of text; the most this service takes is {options.MaxDocumentCharacters}. Split it.");
        }

        try
        {
            return TypedResults.Ok(await ingestion.IngestAsync(tenant, document, cancellationToken));
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

    private static async Task<Results<Ok<DocumentList>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string collection, Tenant tenant, KnowledgeStore store, CancellationToken cancellationToken)
    {
        var errors = new Validation.Errors();
        errors.Collection(collection);
        if (errors.Problem is { } problem) return problem;
        return await store.ListDocumentsAsync(tenant, collection, cancellationToken) is { } documents
            ? TypedResults.Ok(new DocumentList(collection, documents))
            : Problems.NoCollection(collection);
    }

    private static async Task<Results<Ok<DeleteResponse>, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string collection, string documentId, Tenant tenant, KnowledgeStore store, CancellationToken cancellationToken)
    {
        var errors = new Validation.Errors();
        errors.Collection(collection);
        DocumentId(errors, documentId);
        if (errors.Problem is { } problem) return problem;
        return await store.DeleteDocumentAsync(tenant, collection, documentId, cancellationToken) is { } deleted
            ? TypedResults.Ok(deleted)
            : Problems.Of(StatusCodes.Status404NotFound, $"The collection '{collection}' has no document '{documentId}'.");
    }

    private static void DocumentId(Validation.Errors errors, string? documentId)
    {
        if (string.IsNullOrWhiteSpace(documentId)) errors.Add("documentId", "'documentId' is required.");
        else if (!Validation.IsDocumentId(documentId)) errors.Add("documentId", $"'documentId' must be {Validation.DocumentIdRule}.");
    }
}
