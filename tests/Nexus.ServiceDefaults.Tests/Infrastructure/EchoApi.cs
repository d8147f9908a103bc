using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Contract;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.ServiceDefaults.Tests.Infrastructure;

/// <summary>Text to echo back.</summary>
public sealed record EchoRequest
{
    /// <summary>The text to repeat.</summary>
    public required string Text { get; init; }

    [Description("How many times to repeat the text.")]
    public int Repeat { get; init; } = 1;
}

/// <summary>The echoed text.</summary>
/// <param name="Text">The repeated text.</param>
/// <param name="Length">Its length in characters.</param>
public sealed record EchoResponse(string Text, int Length);

/// <summary>A small service API used as the subject of the contract tests.</summary>
public static class EchoApi
{
    public static void MapEchoApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/echo", Echo)
            .WithSummary("Repeats text.")
            .WithDescription("Repeats the given text a number of times.")
            .AsNexusFunction("echo", f => f
                .Example("twice", new EchoRequest { Text = "hi", Repeat = 2 }, new EchoResponse("hihi", 4))
                .Order("text", "repeat")
                .Widget("text", UiWidgets.Textarea, label: "Text", help: "What to repeat")
                .Result(UiWidgets.Json)
                .Annotate(readOnly: true, idempotent: true));

        endpoints.MapPost("/v1/openai/echo", Echo).WithOpenAIErrors();

        endpoints.MapPost("/v1/speak", () => Results.Bytes([1, 2, 3], "audio/wav"))
            .AsNexusFunction("speak", f => f.Input<EchoRequest>().Produces("audio/wav").Streaming(StreamingModes.Chunked).Result(UiWidgets.Audio));

        endpoints.MapGet("/v1/items/{id}", (string id) => TypedResults.Ok(new EchoResponse(id, id.Length)))
            .AsNexusFunction("get-item");
    }

    private static Results<Ok<EchoResponse>, BadRequest<string>> Echo(EchoRequest request)
    {
        var text = string.Concat(Enumerable.Repeat(request.Text, request.Repeat));
        return TypedResults.Ok(new EchoResponse(text, text.Length));
    }
}
