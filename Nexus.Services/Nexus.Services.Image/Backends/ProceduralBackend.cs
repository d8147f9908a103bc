using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Nexus.Contract;

namespace Nexus.Services.Image.Backends;

/// <summary>
/// <c>procedural-dev</c>: a non-AI renderer for developing and testing without a GPU, named so nobody mistakes
/// it for a model. It draws a plasma pattern seeded from the prompt (same prompt, same picture) at the requested size.
/// </summary>
internal sealed class ProceduralBackend(IOptions<ImageOptions> options) : IImageBackend
{
    public const string ModelId = "procedural-dev";

    public string Name => "procedural";

    public string ModelPrefix => "";

    public bool IsConfigured => options.Value.ProceduralDev;

    public Task<IReadOnlyList<ImageModel>> ModelsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ImageModel>>(
        [
            new ImageModel(
                new ModelDescriptor
                {
                    Id = ModelId,
                    OwnedBy = "nexus",
                    OutputModalities = ["image"],
                    Labels = new Dictionary<string, string> { ["tier"] = "development" },
                },
                this,
                ModelId),
        ]);

    public Task<IReadOnlyList<byte[]>> GenerateAsync(GenerationPlan plan, CancellationToken cancellationToken)
    {
        var images = new List<byte[]>(plan.Count);
        for (var i = 0; i < plan.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            images.Add(Render(plan.Prompt, i, plan.Width, plan.Height));
        }

        return Task.FromResult<IReadOnlyList<byte[]>>(images);
    }

    internal static byte[] Render(string prompt, int variant, int width, int height)
    {
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes($"{variant}:{prompt}"));
        double Param(int index, double scale) => seed[index] / 255.0 * scale;
        var (fx, fy, fxy, phase) = (Param(0, 12) + 2, Param(1, 12) + 2, Param(2, 8) + 1, Param(3, Math.PI * 2));
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var u = (double)x / width;
                var v = (double)y / height;
                var value = Math.Sin((u * fx) + phase) + Math.Sin(v * fy) + Math.Sin((u + v) * fxy);
                var offset = ((y * width) + x) * 3;
                rgb[offset] = (byte)(127 + (127 * Math.Sin(value + Param(4, Math.PI))));
                rgb[offset + 1] = (byte)(127 + (127 * Math.Sin(value + Param(5, Math.PI) + 2)));
                rgb[offset + 2] = (byte)(127 + (127 * Math.Sin(value + Param(6, Math.PI) + 4)));
            }
        }

        return PngWriter.Encode(width, height, rgb);
    }
}
