using Microsoft.Extensions.Options;

namespace Nexus.Agents.Specs;

/// <summary>
/// Keeps <see cref="SpecCatalog"/> equal to the spec folder: every <c>*.yaml</c>/<c>*.yml</c> at start, then every change
/// the file system reports. The admin API writes into the same folder, so a spec put through the API survives a restart.
/// </summary>
internal sealed partial class SpecFolder(SpecCatalog catalog, IOptions<AgentsOptions> options, ILogger<SpecFolder> logger) : IHostedService, IDisposable
{
    private FileSystemWatcher? _watcher;

    public string Path => System.IO.Path.GetFullPath(options.Value.SpecsPath);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path);
        foreach (var file in Directory.EnumerateFiles(Path).Where(IsSpecFile).Order(StringComparer.Ordinal)) Load(file);
        _watcher = new FileSystemWatcher(Path) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        _watcher.Created += (_, e) => Load(e.FullPath);
        _watcher.Changed += (_, e) => Load(e.FullPath);
        _watcher.Deleted += (_, e) => Unload(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Unload(e.OldFullPath);
            Load(e.FullPath);
        };
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null) _watcher.EnableRaisingEvents = false;
        return Task.CompletedTask;
    }

    public void Dispose() => _watcher?.Dispose();

    /// <summary>Where the spec of an agent named <paramref name="name"/> lives (its existing file, or a new one).</summary>
    public string FileFor(string name) => catalog.FileOf(name) is { } existing ? System.IO.Path.Combine(Path, existing) : System.IO.Path.Combine(Path, name + ".yaml");

    /// <summary>Reads a file into the catalog now (the API calls it so its answer reflects the write).</summary>
    public IReadOnlyList<string> Load(string fullPath)
    {
        if (!IsSpecFile(fullPath)) return [];
        string text;
        try
        {
            text = ReadShared(fullPath);
        }
        catch (FileNotFoundException)
        {
            Unload(fullPath);
            return [];
        }
        catch (IOException ex)
        {
            // A writer still holds the file; its close raises another change event.
            LogUnreadable(logger, fullPath, ex.Message);
            return [];
        }

        var errors = catalog.Apply(System.IO.Path.GetFileName(fullPath), text);
        if (errors.Count > 0) LogInvalid(logger, fullPath, string.Join("; ", errors));
        return errors;
    }

    private void Unload(string fullPath)
    {
        if (IsSpecFile(fullPath)) catalog.Remove(System.IO.Path.GetFileName(fullPath));
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static bool IsSpecFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "The agent spec {File} is invalid and was not applied: {Errors}")]
    private static partial void LogInvalid(ILogger logger, string file, string errors);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "The agent spec {File} could not be read yet: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string file, string reason);
}
