using System.Diagnostics;
using Npgsql;

namespace Nexus.AppHost.Infrastructure;

/// <summary>The local PostgreSQL server: <c>initdb</c> on first start, its database created once it is ready.</summary>
internal static class LocalPostgres
{
    public const string UserName = "postgres";

    public static bool SystemUserExists() =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith($"{UserName}:", StringComparison.Ordinal));

    /// <summary>Creates the cluster with the password parameter's value, unless a previous run did.</summary>
    public static async Task InitializeAsync(string bin, string[] runAs, string root, LocalPostgresResource server, CancellationToken ct)
    {
        var data = Path.Combine(root, "data");
        if (File.Exists(Path.Combine(data, "PG_VERSION"))) return;

        var passwordFile = Path.Combine(root, "pwfile");
        var password = await server.Password.GetValueAsync(ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(passwordFile, password, ct).ConfigureAwait(false);
        try
        {
            if (runAs.Length > 0) await RunAsync("chown", ["-R", $"{UserName}:{UserName}", root], ct).ConfigureAwait(false);
            string[] initdb = [Path.Combine(bin, "initdb"), "-D", data, "-U", UserName, "--auth=scram-sha-256", $"--pwfile={passwordFile}",
                "-E", "UTF8", "--locale=C", "--no-sync"];
            string[] command = [.. runAs, .. initdb];
            await RunAsync(command[0], command[1..], ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>Creates the database when it is missing, as Aspire's PostgreSQL integration does for its container.</summary>
    public static async Task CreateDatabaseAsync(LocalPostgresResource server, string databaseName, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(await UnpooledConnectionStringAsync(server, ct).ConfigureAwait(false));
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", databaseName);
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(databaseName)}", connection);
        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The server's connection string for the AppHost's own short connections: PostgreSQL's default shutdown waits
    /// for every client to leave, so the AppHost keeps none open.</summary>
    public static async Task<string> UnpooledConnectionStringAsync(LocalPostgresResource server, CancellationToken ct) =>
        $"{await server.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false)};Pooling=false";

    internal static string QuoteIdentifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static async Task RunAsync(string program, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
    }
}

/// <summary>The local PostgreSQL server process, with a connection string as Aspire's PostgreSQL resource has.</summary>
internal sealed class LocalPostgresResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var endpoint = new EndpointReference(this, "tcp");
            return ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={LocalPostgres.UserName};Password={Password}");
        }
    }
}

/// <summary>A database in the local server; ready once the server is and the database exists.</summary>
internal sealed class LocalPostgresDatabaseResource(string name, LocalPostgresResource server)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString, IResourceWithWaitSupport
{
    public LocalPostgresResource Parent { get; } = server;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={Name}");
}
