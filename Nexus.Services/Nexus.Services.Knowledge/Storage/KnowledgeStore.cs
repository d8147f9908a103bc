using System.Data.Common;
using System.Runtime.CompilerServices;
using Nexus.Services.Knowledge.Apis;
using Nexus.Services.Knowledge.Documents;
using Nexus.Services.Knowledge.Tenancy;

namespace Nexus.Services.Knowledge.Storage;

/// <summary>
/// Collections, documents and chunks in SQL that SQLite and PostgreSQL both run. Tenant isolation lives here: every
/// method takes the <see cref="Tenant"/>, every table's key starts with it, and every statement filters by it, so no
/// caller can reach another tenant's rows by forgetting a check. Times are Unix milliseconds.
/// </summary>
internal abstract class KnowledgeStore(TimeProvider time, ILogger logger)
{
    /// <summary>SQLite or PostgreSQL, for logs and readiness.</summary>
    public abstract string Name { get; }

    /// <summary>The one dialect difference the schema has: the type of a byte string.</summary>
    protected abstract string BlobType { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Versioned schema, applied in order, one list for both dialects; an applied version is never changed, only followed.
    /// The tables are prefixed because a deployment may share one PostgreSQL database with the gateway.</summary>
    private IReadOnlyList<string> Migrations =>
    [
        $"""
        CREATE TABLE knowledge_collections (
            tenant TEXT NOT NULL, name TEXT NOT NULL, model TEXT NOT NULL, dimensions BIGINT NOT NULL, created_at BIGINT NOT NULL,
            PRIMARY KEY (tenant, name));
        CREATE TABLE knowledge_documents (
            tenant TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL, source TEXT NULL, format TEXT NOT NULL,
            characters BIGINT NOT NULL, chunks BIGINT NOT NULL, ingested_at BIGINT NOT NULL,
            PRIMARY KEY (tenant, collection, id));
        CREATE TABLE knowledge_chunks (
            tenant TEXT NOT NULL, collection TEXT NOT NULL, document_id TEXT NOT NULL, position BIGINT NOT NULL, text TEXT NOT NULL,
            start_offset BIGINT NOT NULL, length BIGINT NOT NULL, page BIGINT NULL, embedding {BlobType} NOT NULL,
            PRIMARY KEY (tenant, collection, document_id, position));
        """,
    ];

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, null,
            "CREATE TABLE IF NOT EXISTS knowledge_schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)", cancellationToken);
        var applied = (await Sql.ListAsync(connection, null, "SELECT version FROM knowledge_schema_migrations", r => r.GetInt64(0), cancellationToken)).ToHashSet();
        for (var version = 1; version <= Migrations.Count; version++)
        {
            if (applied.Contains(version)) continue;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Sql.ExecuteAsync(connection, transaction, Migrations[version - 1], cancellationToken);
            await Sql.ExecuteAsync(connection, transaction, "INSERT INTO knowledge_schema_migrations (version, applied_at) VALUES (@version, @at)", cancellationToken,
                ("version", (long)version), ("at", time.GetUtcNow().ToUnixTimeMilliseconds()));
            await transaction.CommitAsync(cancellationToken);
            KnowledgeLog.MigrationApplied(logger, version, Name);
        }
    }

    /// <summary>Throws when the database cannot be reached: what readiness reports.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, null, "SELECT 1", cancellationToken);
    }

    private const string CollectionColumns = """
        c.name, c.model, c.dimensions, c.created_at,
        (SELECT COUNT(*) FROM knowledge_documents d WHERE d.tenant = c.tenant AND d.collection = c.name),
        (SELECT COALESCE(SUM(d.chunks), 0) FROM knowledge_documents d WHERE d.tenant = c.tenant AND d.collection = c.name)
        FROM knowledge_collections c
        """;

    public async Task<IReadOnlyList<CollectionSummary>> ListCollectionsAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Sql.ListAsync(connection, null, $"SELECT {CollectionColumns} WHERE c.tenant = @tenant ORDER BY c.name", ReadCollection, cancellationToken,
            ("tenant", tenant.Id));
    }

    public async Task<CollectionSummary?> GetCollectionAsync(Tenant tenant, string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await Sql.ListAsync(connection, null, $"SELECT {CollectionColumns} WHERE c.tenant = @tenant AND c.name = @name", ReadCollection, cancellationToken,
            ("tenant", tenant.Id), ("name", collection));
        return rows.FirstOrDefault();
    }

    /// <summary>The collection's documents, or <c>null</c> when the tenant has no such collection.</summary>
    public async Task<IReadOnlyList<DocumentSummary>?> ListDocumentsAsync(Tenant tenant, string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var exists = await Sql.ListAsync(connection, null, "SELECT 1 FROM knowledge_collections WHERE tenant = @tenant AND name = @name", _ => true, cancellationToken,
            ("tenant", tenant.Id), ("name", collection));
        if (exists.Count == 0) return null;
        return await Sql.ListAsync(connection, null,
            "SELECT id, source, format, characters, chunks, ingested_at FROM knowledge_documents WHERE tenant = @tenant AND collection = @collection ORDER BY id",
            r => new DocumentSummary(r.GetString(0), r.StringOrNull(1), r.GetString(2), r.Int(3), r.Int(4), r.Time(5)), cancellationToken,
            ("tenant", tenant.Id), ("collection", collection));
    }

    /// <summary>
    /// Stores a document's chunks in place of any it had, in one transaction: a reader sees the old chunks or the new,
    /// never a mix. Creates the collection with <paramref name="model"/> on its first document; a collection made
    /// with another model or vector size refuses the document (its vectors could not be compared). Returns whether a
    /// document was replaced.
    /// </summary>
    public async Task<bool> ReplaceDocumentAsync(Tenant tenant, string collection, string model, DocumentSummary document,
        IReadOnlyList<(Chunk Chunk, float[] Vector)> chunks, CancellationToken cancellationToken)
    {
        var dimensions = chunks.Count > 0 ? chunks[0].Vector.Length : 0;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A write first, so SQLite takes its write lock at once and PostgreSQL locks the collection row: two ingests of
        // one document run one after the other instead of interleaving their chunks.
        await Sql.ExecuteAsync(connection, transaction,
            "INSERT INTO knowledge_collections (tenant, name, model, dimensions, created_at) VALUES (@tenant, @name, @model, @dimensions, @at) ON CONFLICT DO NOTHING",
            cancellationToken, ("tenant", tenant.Id), ("name", collection), ("model", model), ("dimensions", (long)dimensions), ("at", time.GetUtcNow().ToUnixTimeMilliseconds()));
        var existing = (await Sql.ListAsync(connection, transaction,
            $"SELECT model, dimensions FROM knowledge_collections WHERE tenant = @tenant AND name = @name{LockClause}",
            r => (Model: r.GetString(0), Dimensions: r.Int(1)), cancellationToken, ("tenant", tenant.Id), ("name", collection))).Single();
        if (existing.Model != model || (dimensions > 0 && existing.Dimensions != dimensions))
        {
            throw new CollectionConflictException(
                $"The collection '{collection}' holds {existing.Dimensions}-dimension vectors of '{existing.Model}'; these are {dimensions}-dimension vectors of '{model}'. Use another collection, or delete this one first.");
        }

        var removed = await Sql.ExecuteAsync(connection, transaction,
            "DELETE FROM knowledge_documents WHERE tenant = @tenant AND collection = @collection AND id = @id", cancellationToken,
            ("tenant", tenant.Id), ("collection", collection), ("id", document.DocumentId));
        await Sql.ExecuteAsync(connection, transaction,
            "DELETE FROM knowledge_chunks WHERE tenant = @tenant AND collection = @collection AND document_id = @id", cancellationToken,
            ("tenant", tenant.Id), ("collection", collection), ("id", document.DocumentId));
        await Sql.ExecuteAsync(connection, transaction,
            """
            INSERT INTO knowledge_documents (tenant, collection, id, source, format, characters, chunks, ingested_at)
            VALUES (@tenant, @collection, @id, @source, @format, @characters, @chunks, @at)
            """, cancellationToken,
            ("tenant", tenant.Id), ("collection", collection), ("id", document.DocumentId), ("source", document.Source), ("format", document.Format),
            ("characters", (long)document.Characters), ("chunks", (long)chunks.Count), ("at", document.IngestedAt.ToUnixTimeMilliseconds()));

        await using (var insert = Sql.Command(connection, transaction,
            """
            INSERT INTO knowledge_chunks (tenant, collection, document_id, position, text, start_offset, length, page, embedding)
            VALUES (@tenant, @collection, @id, @position, @text, @start, @length, @page, @embedding)
            """,
            ("tenant", tenant.Id), ("collection", collection), ("id", document.DocumentId), ("position", 0L), ("text", ""), ("start", 0L), ("length", 0L),
            ("page", null), ("embedding", Array.Empty<byte>())))
        {
            foreach (var (chunk, vector) in chunks)
            {
                insert.Parameters["position"].Value = (long)chunk.Position;
                insert.Parameters["text"].Value = chunk.Text;
                insert.Parameters["start"].Value = (long)chunk.Start;
                insert.Parameters["length"].Value = (long)chunk.Length;
                insert.Parameters["page"].Value = chunk.Page is { } page ? (long)page : DBNull.Value;
                insert.Parameters["embedding"].Value = Vectors.ToBytes(vector);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return removed > 0;
    }

    /// <summary>How PostgreSQL locks a row read in a transaction; SQLite locks the whole database on the first write instead.</summary>
    protected virtual string LockClause => "";

    /// <summary>Deletes one document and its chunks; <c>null</c> when there was none.</summary>
    public async Task<DeleteResponse?> DeleteDocumentAsync(Tenant tenant, string collection, string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var documents = await Sql.ExecuteAsync(connection, transaction,
            "DELETE FROM knowledge_documents WHERE tenant = @tenant AND collection = @collection AND id = @id", cancellationToken,
            ("tenant", tenant.Id), ("collection", collection), ("id", documentId));
        var chunks = await Sql.ExecuteAsync(connection, transaction,
            "DELETE FROM knowledge_chunks WHERE tenant = @tenant AND collection = @collection AND document_id = @id", cancellationToken,
            ("tenant", tenant.Id), ("collection", collection), ("id", documentId));
        await transaction.CommitAsync(cancellationToken);
        return documents == 0 ? null : new DeleteResponse(collection, documentId, documents, chunks);
    }

    /// <summary>Deletes a collection with every document and chunk in it; <c>null</c> when there was none.</summary>
    public async Task<DeleteResponse?> DeleteCollectionAsync(Tenant tenant, string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        (string Name, object? Value)[] key = [("tenant", tenant.Id), ("collection", collection)];
        var chunks = await Sql.ExecuteAsync(connection, transaction, "DELETE FROM knowledge_chunks WHERE tenant = @tenant AND collection = @collection", cancellationToken, key);
        var documents = await Sql.ExecuteAsync(connection, transaction, "DELETE FROM knowledge_documents WHERE tenant = @tenant AND collection = @collection", cancellationToken, key);
        var collections = await Sql.ExecuteAsync(connection, transaction, "DELETE FROM knowledge_collections WHERE tenant = @tenant AND name = @collection", cancellationToken, key);
        await transaction.CommitAsync(cancellationToken);
        return collections == 0 ? null : new DeleteResponse(collection, null, documents, chunks);
    }

    /// <summary>Every chunk of one of the tenant's collections, with its embedding, for a brute-force scan.</summary>
    public async IAsyncEnumerable<StoredChunk> ScanAsync(Tenant tenant, string collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.Command(connection, null,
            """
            SELECT c.document_id, c.position, c.text, c.start_offset, c.length, c.page, d.source, c.embedding
            FROM knowledge_chunks c JOIN knowledge_documents d ON d.tenant = c.tenant AND d.collection = c.collection AND d.id = c.document_id
            WHERE c.tenant = @tenant AND c.collection = @collection
            """,
            ("tenant", tenant.Id), ("collection", collection));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new StoredChunk(reader.GetString(0), reader.Int(1), reader.GetString(2), reader.Int(3), reader.Int(4), reader.IntOrNull(5),
                reader.StringOrNull(6), reader.GetFieldValue<byte[]>(7));
        }
    }

    private static CollectionSummary ReadCollection(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.Int(2), r.Int(4), r.Int(5), r.Time(3));
}
