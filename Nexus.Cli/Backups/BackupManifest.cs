using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nexus.Cli.Backups;

/// <summary>manifest.json of a backup directory: whose data (<paramref name="Data"/>: gateway or agents; absent in backups
/// made before the agents' data could be backed up, which are all the gateway's), from which database, when, by which
/// version, and each file's checksum.</summary>
internal sealed record BackupManifest(int Format, string Source, string? Data, DateTimeOffset CreatedAt, string ToolVersion, long? SchemaVersion, IReadOnlyList<BackupFile> Files)
{
    /// <summary>Whose data the backup holds.</summary>
    [JsonIgnore]
    public string DataName => Data ?? BackupDataSet.Gateway.Name;

    public const string FileName = "manifest.json";
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task WriteAsync(string directory, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(Path.Combine(directory, FileName));
        await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
    }

    public static async Task<BackupManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new BackupException($"{path} does not exist: not a backup directory");
        try
        {
            await using var stream = File.OpenRead(path);
            var manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, Json, cancellationToken);
            if (manifest is null || manifest.Files is null || manifest.Source is null) throw new BackupException($"{path} is not a backup manifest");
            if (manifest.Format != CurrentFormat) throw new BackupException($"{path} has format {manifest.Format}; this version reads format {CurrentFormat}");
            return manifest;
        }
        catch (JsonException exception)
        {
            throw new BackupException($"{path} is not valid JSON: {exception.Message}", exception);
        }
    }

    /// <summary>Checks every file against its recorded size and SHA-256 before anything is restored.</summary>
    public async Task VerifyAsync(string directory, CancellationToken cancellationToken)
    {
        foreach (var file in Files)
        {
            var path = Path.Combine(directory, file.Name);
            if (Path.GetFileName(file.Name) != file.Name) throw new BackupException($"the manifest names '{file.Name}', which is not a file of the backup directory");
            if (!File.Exists(path)) throw new BackupException($"{file.Name} is missing from the backup");
            var actual = await BackupFile.DescribeAsync(directory, file.Name, cancellationToken);
            if (actual.Bytes != file.Bytes || actual.Sha256 != file.Sha256)
            {
                throw new BackupException($"{file.Name} does not match its checksum in the manifest (sha256 {actual.Sha256}, {actual.Bytes} bytes; expected {file.Sha256}, {file.Bytes} bytes): the backup is corrupted");
            }
        }
    }
}

/// <summary>A file of a backup with its size and lower-case hex SHA-256.</summary>
internal sealed record BackupFile(string Name, long Bytes, string Sha256)
{
    public static async Task<BackupFile> DescribeAsync(string directory, string name, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(Path.Combine(directory, name));
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return new BackupFile(name, stream.Length, Convert.ToHexStringLower(hash));
    }
}
