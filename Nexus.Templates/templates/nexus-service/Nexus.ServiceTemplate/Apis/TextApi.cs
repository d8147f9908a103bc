using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Contract;

namespace Nexus.ServiceTemplate.Apis;

/// <summary>Text to analyse.</summary>
public sealed record AnalyzeTextRequest
{
    /// <summary>The text to analyse.</summary>
    public required string Text { get; init; }
}

/// <summary>Counts in the text.</summary>
/// <param name="Characters">Characters, spaces included.</param>
/// <param name="Words">Words separated by white space.</param>
/// <param name="Sentences">Sentences ending in '.', '!' or '?'.</param>
public sealed record AnalyzeTextResponse(int Characters, int Words, int Sentences);

/// <summary>The example function. Replace it with your service's own; the descriptor, form and tool follow.</summary>
public static class TextApi
{
    public static IEndpointRouteBuilder MapTextApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/analyze", Analyze)
            .WithSummary("Counts characters, words and sentences.")
            .WithDescription("Analyses a text and returns how many characters, words and sentences it has.")
            .AsNexusFunction("analyze-text", f => f
                .Widget("text", UiWidgets.Textarea, label: "Text", help: "Any text")
                .Example("greeting", new AnalyzeTextRequest { Text = "Hello there. How are you?" }, new AnalyzeTextResponse(25, 5, 2))
                .Result(UiWidgets.Json));
        return endpoints;
    }

    [Description("Counts characters, words and sentences.")]
    private static Results<Ok<AnalyzeTextResponse>, ValidationProblem> Analyze(AnalyzeTextRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["The text must not be empty."] });
        }

        var words = request.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var sentences = request.Text.Count(c => c is '.' or '!' or '?');
        return TypedResults.Ok(new AnalyzeTextResponse(request.Text.Length, words, sentences));
    }
}
