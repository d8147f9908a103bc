using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Nexus.Services.Inference.Embeddings;

namespace Nexus.Services.Inference.Tests.Embeddings;

public sealed class LocalEmbeddingModelTests
{
    [Fact]
    public async Task Descriptor_BeforeTheModelLoaded_IsNotReadyWithTheReasonAndEmbedsNothing()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var model = new LocalEmbeddingModel(Options.Create(new InferenceOptions()), new LocalEmbeddingMetrics(services.GetRequiredService<IMeterFactory>()));

        model.Descriptor.Ready.ShouldBeFalse();
        model.Descriptor.Reason.ShouldBe("The local embedding model is loading.");
        await Should.ThrowAsync<InvalidOperationException>(() => model.EmbedAsync(["cat"], [3], CancellationToken.None));
    }

    [Fact]
    public async Task Descriptor_Disabled_SaysSo()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new InferenceOptions { LocalEmbeddings = { Enabled = false } };
        using var model = new LocalEmbeddingModel(Options.Create(options), new LocalEmbeddingMetrics(services.GetRequiredService<IMeterFactory>()));

        model.Descriptor.Ready.ShouldBeFalse();
        model.Descriptor.Reason!.ShouldContain("Inference:LocalEmbeddings:Enabled");
    }

    [Theory]
    [InlineData("BatchSize", 0)]
    [InlineData("BatchSize", 257)]
    [InlineData("MaxConcurrentBatches", 0)]
    [InlineData("MaxInputs", 0)]
    public void Validate_OutOfRangeSetting_IsReportedByName(string setting, int value)
    {
        var options = new InferenceOptions();
        typeof(LocalEmbeddingsOptions).GetProperty(setting)!.SetValue(options.LocalEmbeddings, value);

        var result = new InferenceOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain($"Inference:LocalEmbeddings:{setting}");
    }
}
