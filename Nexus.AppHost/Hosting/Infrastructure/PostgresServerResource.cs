using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>PostgreSQL, written to the manifest as Aspire writes it: a container with a generated-password parameter.</summary>
public sealed class PostgresServerResource : InfrastructureResource, IResourceWithConnectionString
{
    internal const string UserName = "postgres";

    public PostgresServerResource(string name, ParameterResource password) : base(name, "docker.io/library/postgres", "16.4")
    {
        Password = password;
        AddEndpoint("tcp", "tcp", "tcp", 5432);
        ContainerEnvironment.Add(new("POSTGRES_HOST_AUTH_METHOD", ReferenceExpression.Literal("scram-sha-256")));
        ContainerEnvironment.Add(new("POSTGRES_INITDB_ARGS", ReferenceExpression.Literal("--auth-host=scram-sha-256 --auth-local=scram-sha-256")));
        ContainerEnvironment.Add(new("POSTGRES_USER", ReferenceExpression.Literal(UserName)));
        ContainerEnvironment.Add(new("POSTGRES_PASSWORD", ReferenceExpression.From(password)));
        var endpoint = new EndpointReference(this, "tcp");
        ConnectionStringExpression = ReferenceExpression.Create(
            $"Host={endpoint.Select(EndpointProperty.Host)};Port={endpoint.Select(EndpointProperty.Port)};Username={UserName};Password={password}");
    }

    public ParameterResource Password { get; }

    public ReferenceExpression ConnectionStringExpression { get; }

    internal List<PostgresDatabaseResource> Databases { get; } = [];

    internal override string EmbeddedFallback => "consumers use their embedded store (the gateway: SQLite)";

    internal override Task<(RunPlan? Plan, string Reason)> TryLocalAsync(RunContext context, CancellationToken ct) =>
        Task.FromResult(TryLocal(context));

    private (RunPlan? Plan, string Reason) TryLocal(RunContext context)
    {
        var bin = FindBinaries();
        if (bin is null) return (null, "no PostgreSQL binaries (postgres, initdb, pg_isready, createdb, psql) on PATH or under /usr/lib/postgresql");

        // PostgreSQL refuses to run as root; as root, run it as the package's own system user.
        var runAs = new List<string>();
        (uint Uid, uint Gid)? owner = null;
        if (Posix.IsRoot)
        {
            owner = Posix.FindUser(UserName);
            var setpriv = ToolLocator.Find("setpriv");
            if (owner is null || setpriv is null)
                return (null, "running as root, and PostgreSQL needs a 'postgres' user and setpriv to drop privileges");
            runAs.AddRange([setpriv, $"--reuid={UserName}", $"--regid={UserName}", "--init-groups"]);
        }

        var root = Path.Combine(context.StateDirectory, Name);
        var data = Path.Combine(root, "data");
        var port = AllocatedPort("tcp").ToString(CultureInfo.InvariantCulture);
        var password = Password.Value ?? throw new InvalidOperationException($"Parameter '{Password.Name}' has no value.");

        var launch = Wrap(runAs, Path.Combine(bin, "postgres"),
            ["-D", data, "-p", port, "-h", "127.0.0.1", "-c", "unix_socket_directories="], root);
        var plan = new RunPlan
        {
            // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients, which are stopped first anyway.
            Launch = launch with { StopSignal = Posix.SigInt },
            PrepareAsync = token => InitializeAsync(bin, runAs, owner, root, data, password, token),
            Probe = new CommandHealthProbe(Path.Combine(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", port, "-t", "2"]),
            AfterHealthyAsync = token => CreateDatabasesAsync(bin, port, password, token),
            How = "local binary",
            Why = $"PostgreSQL found in {bin}",
            Url = $"tcp://127.0.0.1:{port}",
        };
        return (plan, "");
    }

    internal override IHealthProbe CreateContainerProbe(RunContext context) =>
        ToolLocator.Find("pg_isready", ToolLocator.PostgresDirectories()) is { } isReady
            ? new CommandHealthProbe(isReady, ["-h", "127.0.0.1", "-p", AllocatedPort("tcp").ToString(CultureInfo.InvariantCulture), "-t", "2"])
            : new TcpProbe("127.0.0.1", () => Endpoints[0].AllocatedPort);

    internal override async Task AfterContainerHealthyAsync(string runtime, string containerName, CancellationToken ct)
    {
        foreach (var database in Databases)
        {
            var result = await CommandRunner.RunAsync(runtime, ["exec", containerName, "createdb", "-U", UserName, database.DatabaseName],
                TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            ThrowUnlessCreated(result, database.DatabaseName);
        }
    }

    private static string? FindBinaries()
    {
        var postgres = ToolLocator.FindResolved("postgres", ToolLocator.PostgresDirectories());
        var candidates = (postgres is null ? [] : new[] { Path.GetDirectoryName(postgres)! }).Concat(ToolLocator.PostgresDirectories());
        return candidates.FirstOrDefault(dir => new[] { "postgres", "initdb", "pg_isready", "createdb", "psql" }.All(p => File.Exists(Path.Combine(dir, p))));
    }

    private static LaunchSpec Wrap(List<string> runAs, string program, IEnumerable<string> args, string workingDirectory)
    {
        var all = runAs.Count == 0 ? args.ToList() : [.. runAs.Skip(1), program, .. args];
        return new LaunchSpec(runAs.Count == 0 ? program : runAs[0], all, workingDirectory, new Dictionary<string, string>());
    }

    private static async Task InitializeAsync(string bin, List<string> runAs, (uint Uid, uint Gid)? owner, string root, string data,
        string password, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(data, "PG_VERSION"))) return;
        Directory.CreateDirectory(root);
        var passwordFile = Path.Combine(root, "pwfile");
        await File.WriteAllTextAsync(passwordFile, password, ct).ConfigureAwait(false);
        try
        {
            if (owner is { } o) Posix.ChownRecursive(root, o.Uid, o.Gid);
            var init = Wrap(runAs, Path.Combine(bin, "initdb"),
                ["-D", data, "-U", UserName, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C", "--no-sync"], root);
            var result = await CommandRunner.RunAsync(init.FileName, init.Args, TimeSpan.FromMinutes(2), ct, workingDirectory: root).ConfigureAwait(false);
            if (result.ExitCode != 0) throw new InvalidOperationException($"initdb failed ({result.ExitCode}): {result.Output}");
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task CreateDatabasesAsync(string bin, string port, string password, CancellationToken ct)
    {
        var environment = new Dictionary<string, string> { ["PGPASSWORD"] = password };
        foreach (var database in Databases)
        {
            // Ask first, so a restart does not fill the server's log with "already exists" errors.
            var exists = await CommandRunner.RunAsync(Path.Combine(bin, "psql"),
                ["-h", "127.0.0.1", "-p", port, "-U", UserName, "-d", "postgres", "-tAc", $"SELECT 1 FROM pg_database WHERE datname = '{database.DatabaseName}'"],
                TimeSpan.FromSeconds(30), ct, environment).ConfigureAwait(false);
            if (exists.ExitCode == 0 && exists.Output == "1") continue;
            var result = await CommandRunner.RunAsync(Path.Combine(bin, "createdb"), ["-h", "127.0.0.1", "-p", port, "-U", UserName, database.DatabaseName],
                TimeSpan.FromSeconds(30), ct, environment).ConfigureAwait(false);
            ThrowUnlessCreated(result, database.DatabaseName);
        }
    }

    private static void ThrowUnlessCreated(CommandRunner.Result result, string database)
    {
        if (result.ExitCode != 0 && !result.Output.Contains("already exists", StringComparison.Ordinal))
            throw new InvalidOperationException($"createdb {database} failed ({result.ExitCode}): {result.Output}");
    }
}

/// <summary>A database inside a PostgreSQL server (the manifest's <c>value.v0</c>).</summary>
public sealed class PostgresDatabaseResource : Resource, IResourceWithConnectionString, IResourceWithParent, IRunAvailability
{
    internal PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server) : base(name)
    {
        // A plain identifier: it is written into connection strings and the existence query as is.
        if (databaseName.Length == 0 || !databaseName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') || char.IsAsciiDigit(databaseName[0]))
            throw new ArgumentException($"Database name '{databaseName}' must be lower-case letters, digits and underscores.", nameof(databaseName));
        DatabaseName = databaseName;
        Server = server;
        ConnectionStringExpression = ReferenceExpression.Create($"{new ConnectionStringReference(server)};Database={databaseName}");
        References.Add(server);
    }

    public string DatabaseName { get; }

    public PostgresServerResource Server { get; }

    public Resource Parent => Server;

    public ReferenceExpression ConnectionStringExpression { get; }

    public bool IsAvailable => Server.IsAvailable;
}
