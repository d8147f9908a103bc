using System.Data.Common;
using Microsoft.Data.Sqlite;
using Nexus.Agents.Memory;
using Nexus.Testing;
using Npgsql;

namespace Nexus.Agents.Tests;

/// <summary>Scope isolation in the storage layer, on SQLite and on a real PostgreSQL.</summary>
public sealed class StoreIsolationTests
{
    private static readonly MemoryScope[] Scopes =
    [
        new("acme", "ada", "ws-1"), new("acme", "ada", "ws-2"), new("acme", "bob", "ws-1"), new("globex", "ada", "ws-1"),
    ];

    [Fact]
    public async Task Sqlite_EveryScopeSeesOnlyItsOwnRows() =>
        await ScopesAreIsolatedAsync(SqliteFactory.Instance.CreateDataSource($"Data Source={Path.Combine(Directory.CreateTempSubdirectory("nexus-agents-store-").FullName, "a.db")}"));

    [SkippableFact]
    public async Task Postgres_EveryScopeSeesOnlyItsOwnRows()
    {
        TestPrograms.Require(Path.Combine(PostgresServer.Bin, "postgres"));
        await using var server = await PostgresServer.StartAsync();
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await ScopesAreIsolatedAsync(dataSource);
    }

    [Theory]
    [InlineData(null, "ada", "ws")]
    [InlineData("acme", null, "ws")]
    [InlineData("acme", "ada", "")]
    [InlineData("acme", " ", "ws")]
    public async Task IncompleteScope_EveryOperationThrowsBeforeTouchingTheStore(string? tenant, string? user, string? workspace)
    {
        // A data source that fails on use: the scope check must come first.
        var store = new SqlAgentStore(SqliteFactory.Instance.CreateDataSource("Data Source=/nonexistent-dir/x.db;Mode=ReadOnly"), TimeProvider.System);
        var scope = new MemoryScope(tenant, user, workspace);

        await Should.ThrowAsync<MissingScopeException>(() => store.ListMemoriesAsync(scope, default));
        await Should.ThrowAsync<MissingScopeException>(() => store.AddMemoryAsync(scope, "x", [1f], default));
        await Should.ThrowAsync<MissingScopeException>(() => store.LoadSessionAsync(scope, "c", default));
        await Should.ThrowAsync<MissingScopeException>(() => store.SaveSessionAsync(scope, "c", new StoredSession("a", "{}", DateTimeOffset.UnixEpoch), default));
        await Should.ThrowAsync<MissingScopeException>(() => store.DeleteScopeMemoriesAsync(scope, default));
    }

    private static async Task ScopesAreIsolatedAsync(DbDataSource dataSource)
    {
        var store = new SqlAgentStore(dataSource, TimeProvider.System);
        foreach (var scope in Scopes)
        {
            await store.AddMemoryAsync(scope, $"memory of {scope}", [1f, 0f], default);
            await store.SaveSessionAsync(scope, "same-conversation", new StoredSession("agent", $"{{\"of\":\"{scope}\"}}", DateTimeOffset.UnixEpoch), default);
        }

        foreach (var scope in Scopes)
        {
            (await store.ListMemoriesAsync(scope, default)).Select(m => m.Text).ShouldBe([$"memory of {scope}"]);
            (await store.LoadSessionAsync(scope, "same-conversation", default))!.SessionJson.ShouldContain(scope.ToString());
        }

        var other = (await store.ListMemoriesAsync(Scopes[1], default)).Single();
        (await store.DeleteMemoryAsync(Scopes[0], other.Id, default)).ShouldBeFalse();
        (await store.DeleteScopeMemoriesAsync(Scopes[0], default)).ShouldBe(1);
        (await store.ListMemoriesAsync(Scopes[1], default)).Count.ShouldBe(1);
    }
}
