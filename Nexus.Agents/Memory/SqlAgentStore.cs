using System.Data.Common;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Nexus.Agents.Runtime;

namespace Nexus.Agents.Memory;

/// <summary>
/// <see cref="IAgentStore"/> over ADO.NET, one SQL text for SQLite and PostgreSQL (both speak <c>@name</c> parameters,
/// <c>CREATE TABLE IF NOT EXISTS</c> and <c>ON CONFLICT ... DO UPDATE</c>). Times are Unix milliseconds and vectors
/// base64 little-endian floats, so no column type differs between the two.
/// </summary>
internal sealed class SqlAgentStore(DbDataSource dataSource, TimeProvider time) : IAgentStore
{
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS agent_sessions (
            tenant TEXT NOT NULL, user_id TEXT NOT NULL, workspace TEXT NOT NULL, conversation_id TEXT NOT NULL,
            agent TEXT NOT NULL, session_json TEXT NOT NULL, updated_at BIGINT NOT NULL,
            PRIMARY KEY (tenant, user_id, workspace, conversation_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS agent_approvals (
            id TEXT PRIMARY KEY, tenant TEXT NOT NULL, user_id TEXT NOT NULL, workspace TEXT NOT NULL,
            conversation_id TEXT NOT NULL, run_id TEXT NOT NULL, agent TEXT NOT NULL, tool TEXT NOT NULL,
            arguments_json TEXT NOT NULL, reason TEXT NOT NULL, request_json TEXT NOT NULL, created_at BIGINT NOT NULL,
            status TEXT NOT NULL, decided_by TEXT, decision_reason TEXT)
        """,
        """
        CREATE TABLE IF NOT EXISTS agent_memories (
            id TEXT PRIMARY KEY, tenant TEXT NOT NULL, user_id TEXT NOT NULL, workspace TEXT NOT NULL,
            text TEXT NOT NULL, vector TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS agent_memories_scope ON agent_memories (tenant, user_id, workspace)",
        """
        CREATE TABLE IF NOT EXISTS agent_runs (
            id TEXT PRIMARY KEY, tenant TEXT NOT NULL, user_id TEXT NOT NULL, workspace TEXT NOT NULL,
            conversation_id TEXT NOT NULL, agent TEXT NOT NULL, task TEXT NOT NULL, state TEXT NOT NULL, reason TEXT,
            output TEXT, pending_json TEXT NOT NULL, started_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, ended_at BIGINT,
            tokens_used BIGINT NOT NULL, tool_calls_used INTEGER NOT NULL, events_json TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS agent_runs_tenant ON agent_runs (tenant, started_at)",
        "CREATE INDEX IF NOT EXISTS agent_runs_state ON agent_runs (state)",
    ];

    private readonly SemaphoreSlim _migrated = new(1, 1);
    private bool _ready;

    public async Task SaveSessionAsync(MemoryScope scope, string conversationId, StoredSession session, CancellationToken cancellationToken)
    {
        scope.Require();
        await ExecuteAsync("""
            INSERT INTO agent_sessions (tenant, user_id, workspace, conversation_id, agent, session_json, updated_at)
            VALUES (@tenant, @user, @workspace, @conversation, @agent, @json, @at)
            ON CONFLICT (tenant, user_id, workspace, conversation_id) DO UPDATE SET agent = excluded.agent, session_json = excluded.session_json, updated_at = excluded.updated_at
            """, cancellationToken, Scoped(scope, ("conversation", conversationId), ("agent", session.Agent), ("json", session.SessionJson), ("at", session.UpdatedAt.ToUnixTimeMilliseconds())));
    }

    public async Task<StoredSession?> LoadSessionAsync(MemoryScope scope, string conversationId, CancellationToken cancellationToken)
    {
        scope.Require();
        var rows = await QueryAsync(
            "SELECT agent, session_json, updated_at FROM agent_sessions WHERE tenant = @tenant AND user_id = @user AND workspace = @workspace AND conversation_id = @conversation",
            r => new StoredSession(r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))),
            cancellationToken, Scoped(scope, ("conversation", conversationId)));
        return rows.FirstOrDefault();
    }

    public async Task SaveApprovalsAsync(IReadOnlyList<ApprovalRecord> approvals, CancellationToken cancellationToken)
    {
        foreach (var approval in approvals)
        {
            approval.Scope.Require();
            await ExecuteAsync("""
                INSERT INTO agent_approvals (id, tenant, user_id, workspace, conversation_id, run_id, agent, tool, arguments_json, reason, request_json, created_at, status, decided_by, decision_reason)
                VALUES (@id, @tenant, @user, @workspace, @conversation, @run, @agent, @tool, @arguments, @reason, @request, @at, @status, @by, @why)
                """, cancellationToken, Scoped(approval.Scope, ("id", approval.Id), ("conversation", approval.ConversationId), ("run", approval.RunId), ("agent", approval.Agent),
                ("tool", approval.Tool), ("arguments", approval.ArgumentsJson), ("reason", approval.Reason), ("request", approval.RequestJson), ("at", approval.CreatedAt.ToUnixTimeMilliseconds()),
                ("status", approval.Status), ("by", (object?)approval.DecidedBy ?? DBNull.Value), ("why", (object?)approval.DecisionReason ?? DBNull.Value)));
        }
    }

    public async Task<ApprovalRecord?> FindApprovalAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"{SelectApprovals} WHERE id = @id", ReadApproval, cancellationToken, ("id", id))).FirstOrDefault();

    public async Task<bool> DecideAsync(string id, bool approved, string decidedBy, string? reason, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE agent_approvals SET status = @status, decided_by = @by, decision_reason = @why WHERE id = @id AND status = 'pending'", cancellationToken,
            ("id", id), ("status", approved ? "approved" : "rejected"), ("by", decidedBy), ("why", (object?)reason ?? DBNull.Value)) == 1;

    public async Task<IReadOnlyList<ApprovalRecord>?> TakeDecidedAsync(string runId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync($"{SelectApprovals} WHERE run_id = @run ORDER BY created_at, id", ReadApproval, cancellationToken, ("run", runId));
        if (rows.Count == 0 || rows.Any(r => r.Status == "pending")) return null;
        // Whoever deletes the rows resumes the run: two approvers deciding the last two requests at once cannot both.
        var deleted = await ExecuteAsync("DELETE FROM agent_approvals WHERE run_id = @run AND status <> 'pending'", cancellationToken, ("run", runId));
        return deleted == rows.Count ? rows : null;
    }

    public Task<IReadOnlyList<ApprovalRecord>> ListPendingAsync(string tenant, CancellationToken cancellationToken) =>
        QueryAsync($"{SelectApprovals} WHERE status = 'pending' AND tenant = @tenant ORDER BY created_at", ReadApproval, cancellationToken, ("tenant", tenant));

    public async Task SaveRunAsync(StoredRun run, CancellationToken cancellationToken)
    {
        run.Scope.Require();
        await ExecuteAsync("""
            INSERT INTO agent_runs (id, tenant, user_id, workspace, conversation_id, agent, task, state, reason, output, pending_json, started_at, updated_at, ended_at, tokens_used, tool_calls_used, events_json)
            VALUES (@id, @tenant, @user, @workspace, @conversation, @agent, @task, @state, @reason, @output, @pending, @started, @updated, @ended, @tokens, @tools, @events)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, reason = excluded.reason, output = excluded.output, pending_json = excluded.pending_json,
                updated_at = excluded.updated_at, ended_at = excluded.ended_at, tokens_used = excluded.tokens_used, tool_calls_used = excluded.tool_calls_used, events_json = excluded.events_json
            WHERE agent_runs.tenant = excluded.tenant
            """, cancellationToken, Scoped(run.Scope, ("id", run.Id), ("conversation", run.ConversationId), ("agent", run.Agent), ("task", run.Task), ("state", run.State),
            ("reason", (object?)run.Reason ?? DBNull.Value), ("output", (object?)run.Output ?? DBNull.Value), ("pending", JsonSerializer.Serialize(run.PendingApprovals)),
            ("started", run.StartedAt.ToUnixTimeMilliseconds()), ("updated", run.UpdatedAt.ToUnixTimeMilliseconds()), ("ended", (object?)run.EndedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value),
            ("tokens", run.TokensUsed), ("tools", run.ToolCallsUsed), ("events", JsonSerializer.Serialize(run.Events, JsonSerializerOptions.Web))));
    }

    public async Task<StoredRun?> FindRunAsync(string tenant, string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"{SelectRuns}, events_json FROM agent_runs WHERE tenant = @tenant AND id = @id", r => ReadRun(r) with
        {
            Events = JsonSerializer.Deserialize<List<RunEvent>>(r.GetString(16), JsonSerializerOptions.Web) ?? [],
        }, cancellationToken, ("tenant", tenant), ("id", id))).FirstOrDefault();

    public async Task<StoredRunPage> ListRunsAsync(string tenant, int limit, int offset, CancellationToken cancellationToken)
    {
        var runs = await QueryAsync($"{SelectRuns} FROM agent_runs WHERE tenant = @tenant ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset",
            ReadRun, cancellationToken, ("tenant", tenant), ("limit", limit), ("offset", offset));
        var total = await QueryAsync("SELECT COUNT(*) FROM agent_runs WHERE tenant = @tenant", r => Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), cancellationToken, ("tenant", tenant));
        return new StoredRunPage(runs, total[0]);
    }

    public async Task<IReadOnlySet<string>> ListActiveRunIdsAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT id FROM agent_runs WHERE state IN ('running', 'waiting_for_approval')", r => r.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal);

    private const string SelectRuns = "SELECT id, tenant, user_id, workspace, conversation_id, agent, task, state, reason, output, pending_json, started_at, updated_at, ended_at, tokens_used, tool_calls_used";

    private static StoredRun ReadRun(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Scope = new MemoryScope(r.GetString(1), r.GetString(2), r.GetString(3)),
        ConversationId = r.GetString(4),
        Agent = r.GetString(5),
        Task = r.GetString(6),
        State = r.GetString(7),
        Reason = r.IsDBNull(8) ? null : r.GetString(8),
        Output = r.IsDBNull(9) ? null : r.GetString(9),
        PendingApprovals = JsonSerializer.Deserialize<List<string>>(r.GetString(10)) ?? [],
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
        EndedAt = r.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)),
        TokensUsed = r.GetInt64(14),
        ToolCallsUsed = r.GetInt32(15),
    };

    public async Task<string> AddMemoryAsync(MemoryScope scope, string text, float[] vector, CancellationToken cancellationToken)
    {
        scope.Require();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        await ExecuteAsync(
            "INSERT INTO agent_memories (id, tenant, user_id, workspace, text, vector, created_at) VALUES (@id, @tenant, @user, @workspace, @text, @vector, @at)",
            cancellationToken, Scoped(scope, ("id", id), ("text", text), ("vector", Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()))), ("at", time.GetUtcNow().ToUnixTimeMilliseconds())));
        return id;
    }

    public async Task<IReadOnlyList<MemoryRecord>> ListMemoriesAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        scope.Require();
        return await QueryAsync(
            "SELECT id, text, vector, created_at FROM agent_memories WHERE tenant = @tenant AND user_id = @user AND workspace = @workspace ORDER BY created_at",
            r => new MemoryRecord(r.GetString(0), r.GetString(1), MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(r.GetString(2))).ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))),
            cancellationToken, Scoped(scope));
    }

    public async Task<bool> DeleteMemoryAsync(MemoryScope scope, string id, CancellationToken cancellationToken)
    {
        scope.Require();
        return await ExecuteAsync("DELETE FROM agent_memories WHERE id = @id AND tenant = @tenant AND user_id = @user AND workspace = @workspace", cancellationToken, Scoped(scope, ("id", id))) == 1;
    }

    public async Task<int> DeleteScopeMemoriesAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        scope.Require();
        return await ExecuteAsync("DELETE FROM agent_memories WHERE tenant = @tenant AND user_id = @user AND workspace = @workspace", cancellationToken, Scoped(scope));
    }

    private const string SelectApprovals = "SELECT id, tenant, user_id, workspace, conversation_id, run_id, agent, tool, arguments_json, reason, request_json, created_at, status, decided_by, decision_reason FROM agent_approvals";

    private static ApprovalRecord ReadApproval(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Scope = new MemoryScope(r.GetString(1), r.GetString(2), r.GetString(3)),
        ConversationId = r.GetString(4),
        RunId = r.GetString(5),
        Agent = r.GetString(6),
        Tool = r.GetString(7),
        ArgumentsJson = r.GetString(8),
        Reason = r.GetString(9),
        RequestJson = r.GetString(10),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        Status = r.GetString(12),
        DecidedBy = r.IsDBNull(13) ? null : r.GetString(13),
        DecisionReason = r.IsDBNull(14) ? null : r.GetString(14),
    };

    private static (string, object)[] Scoped(MemoryScope scope, params (string, object)[] more) =>
        [("tenant", scope.Tenant!), ("user", scope.User!), ("workspace", scope.Workspace!), .. more];

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        return rows;
    }

    private DbCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_ready) return;
        await _migrated.WaitAsync(cancellationToken);
        try
        {
            if (_ready) return;
            foreach (var statement in Schema)
            {
                await using var command = dataSource.CreateCommand(statement);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            _ready = true;
        }
        finally
        {
            _migrated.Release();
        }
    }
}
