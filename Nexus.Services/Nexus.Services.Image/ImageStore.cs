using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Image;

/// <summary>
/// Keeps generated images for <c>response_format: url</c>, bounded to the newest <see cref="ImageOptions.StoredImages"/>
/// so memory stays flat however long the service runs.
/// </summary>
internal sealed class ImageStore(IOptions<ImageOptions> options)
{
    private readonly ConcurrentDictionary<string, byte[]> _images = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public string Add(byte[] png)
    {
        var id = Guid.NewGuid().ToString("N");
        _images[id] = png;
        _order.Enqueue(id);
        while (_order.Count > options.Value.StoredImages && _order.TryDequeue(out var oldest)) _images.TryRemove(oldest, out _);
        return id;
    }

    public byte[]? Get(string id) => _images.GetValueOrDefault(id);
}
