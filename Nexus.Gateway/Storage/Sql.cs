using System.Data.Common;
using System.Globalization;

namespace Nexus.Gateway.Storage;

/// <summary>
/// The store's few ADO.NET helpers, over <see cref="DbConnection"/> so one code path serves SQLite and PostgreSQL.
/// Plain commands and hand-written row readers rather than a mapper: a mapping library's start-up and per-type
/// code generation (XML support, expression trees, emitted IL) cost the gateway megabytes of resident memory for
/// the dozen queries it runs.
/// </summary>
internal static class Sql
{
    /// <summary>
    /// A command with named parameters, written <c>@name</c> in the SQL and given here without the prefix (both
    /// providers match it). A null value binds as <see cref="DBNull"/>; a value's CLR type sets its database type,
    /// which PostgreSQL checks strictly, so BIGINT columns get a <see cref="long"/>.
    /// </summary>
    public static DbCommand CommandFor(DbConnection connection, string sql, DbTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>Runs a statement that returns no rows; the count of rows it changed.</summary>
    public static async Task<int> ExecuteAsync(DbConnection connection, string sql, DbTransaction? transaction, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = CommandFor(connection, sql, transaction, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every row the command returns, each through <paramref name="read"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        return rows;
    }

    /// <summary>The first row through <paramref name="read"/>, or null when there is none (callers query by a unique key).</summary>
    public static async Task<T?> FirstOrDefaultAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    public static string? GetStringOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetInt64OrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    /// <summary>
    /// An integer whatever the provider made of it: PostgreSQL's SUM over BIGINT is NUMERIC (a <see cref="decimal"/>),
    /// SQLite's an INTEGER (a <see cref="long"/>).
    /// </summary>
    public static long GetInt64Converted(this DbDataReader reader, int ordinal) =>
        Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
