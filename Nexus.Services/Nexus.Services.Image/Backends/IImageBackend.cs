using Nexus.Contract;

namespace Nexus.Services.Image.Backends;

/// <summary>An engine that draws: it lists its models and turns a plan into PNG images.</summary>
internal interface IImageBackend
{
    /// <summary>The engine's name: <c>owned_by</c> of its models, and the id of the not-ready entry shown while it is down.</summary>
    string Name { get; }

    /// <summary>What the ids of its models start with (<c>comfyui/</c>), empty when they are the engine's own names.</summary>
    string ModelPrefix { get; }

    /// <summary>Whether the operator configured it; unconfigured backends are left out of the catalog.</summary>
    bool IsConfigured { get; }

    /// <summary>The models it can draw with now; throws <see cref="BackendException"/> when it cannot say.</summary>
    Task<IReadOnlyList<ImageModel>> ModelsAsync(CancellationToken cancellationToken);

    /// <summary>Draws <see cref="GenerationPlan.Count"/> PNGs; throws <see cref="BackendException"/> when the engine cannot.</summary>
    Task<IReadOnlyList<byte[]>> GenerateAsync(GenerationPlan plan, CancellationToken cancellationToken);
}

/// <summary>A catalog entry: what clients see, the backend behind it, and the name the engine knows the model by.</summary>
internal sealed record ImageModel(ModelDescriptor Descriptor, IImageBackend Backend, string EngineModel)
{
    /// <summary>One of an engine's own checkpoints: text in, image out, listed under the backend's prefix and labelled with its engine.</summary>
    public static ImageModel Checkpoint(IImageBackend backend, string engineModel) => new(
        new ModelDescriptor
        {
            Id = backend.ModelPrefix + engineModel,
            OwnedBy = backend.Name,
            InputModalities = ["text"],
            OutputModalities = ["image"],
            Labels = new Dictionary<string, string> { ["engine"] = backend.Name },
        },
        backend,
        engineModel);
}

/// <summary>A validated generation job; <see cref="Model"/> is the engine's own name for the model.</summary>
internal sealed record GenerationPlan(string Prompt, string Model, int Count, int Width, int Height, long Seed);
