using System.Data.Common;
using Npgsql;

namespace Nexus.Services.Knowledge.Storage;

/// <summary>The production store: PostgreSQL through one pooled data source.</summary>
internal sealed class PostgresKnowledgeStore(NpgsqlDataSource dataSource, TimeProvider time, ILogger<PostgresKnowledgeStore> logger) : KnowledgeStore(time, logger)
{
    public override string Name => "PostgreSQL";

    protected override string BlobType => "BYTEA";

    protected override string LockClause => " FOR UPDATE";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);
}
