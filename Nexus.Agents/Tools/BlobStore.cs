using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Nexus.Agents.Tools;

/// <summary>A stored binary tool result: what the model sees instead of the bytes.</summary>
public sealed record BlobReference(string Id, string ContentType, long Bytes, string Url);

/// <summary>
/// Binary tool results (audio, images) on disk, named by a random id: the context gets a reference, and users fetch the
/// bytes from <c>GET /v1/agents/blobs/{id}</c>.
/// </summary>
public sealed class BlobStore(IOptions<AgentsOptions> options)
{
    private string Root => Path.GetFullPath(options.Value.BlobPath);

    public async Task<BlobReference> SaveAsync(Stream content, string contentType, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var path = Path.Combine(Root, id);
        long length;
        await using (var file = File.Create(path))
        {
            await content.CopyToAsync(file, cancellationToken);
            length = file.Length;
        }

        await File.WriteAllTextAsync(path + ".type", contentType, cancellationToken);
        return new BlobReference(id, contentType, length, $"/v1/agents/blobs/{id}");
    }

    /// <summary>The blob's file and content type; null for an id that is not a stored blob.</summary>
    public (string Path, string ContentType)? Find(string id)
    {
        if (id.Length != 32 || !id.All(Uri.IsHexDigit)) return null;
        var path = Path.Combine(Root, id);
        return File.Exists(path) ? (path, File.ReadAllText(path + ".type")) : null;
    }
}
