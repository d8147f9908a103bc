#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline steps are experimental in 13.6; the manifest publisher is one too.
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Nexus.AppHost.Publishing;

/// <summary>
/// <c>--publisher kubernetes --output-path DIR</c>: Kubernetes YAML from the app model, beside Aspire's
/// <c>--publisher manifest</c>.
/// </summary>
/// <remarks>
/// Written here because Aspire's own Kubernetes publisher (Aspire.Hosting.Kubernetes) is not on the package source Nexus
/// builds from. It is a pipeline step, as Aspire's manifest publisher is, and reads the same model the manifest is
/// written from: the projects with their endpoints and environment in publish mode; PostgreSQL, Redis and etcd are
/// referenced as external services through a Secret, parameters through another.
/// </remarks>
internal static class KubernetesPublishing
{
    public const string PublisherName = "kubernetes";
    public const string StepName = "publish-kubernetes";

    public static IDistributedApplicationBuilder AddNexusKubernetesPublisher(this IDistributedApplicationBuilder builder)
    {
        // As Aspire maps --publisher manifest to its step: without a step the pipeline would run every step it has.
        if (string.Equals(builder.Configuration["Publishing:Publisher"], PublisherName, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(builder.Configuration["Pipeline:Step"]))
        {
            builder.Configuration["Pipeline:Step"] = StepName;
        }

        builder.Pipeline.AddStep(new PipelineStep
        {
            Name = StepName,
            Description = "Writes Kubernetes YAML (a kustomize base and the dev and main overlays) from the application model.",
            Action = context => PublishAsync(context),
        });
        return builder;
    }

    private static async Task PublishAsync(PipelineStepContext context)
    {
        var output = context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.OutputPath
            ?? throw new DistributedApplicationException("The '--output-path [directory]' option was not specified even though Kubernetes publishing was requested.");
        var files = await KubernetesWriter.WriteAsync(context.Model, context.ExecutionContext, context.CancellationToken).ConfigureAwait(false);
        KubernetesFiles.Replace(Path.GetFullPath(output), files);
        context.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KubernetesPublishing).FullName!)
            .LogInformation("Published Kubernetes YAML to {Directory}", Path.GetFullPath(output));
    }
}
