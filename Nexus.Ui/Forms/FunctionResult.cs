using System.Text.Json.Nodes;

namespace Nexus.Ui.Forms;

/// <summary>What a call returned, shaped for showing: by its content type and the function's <c>ui.result</c> hint.</summary>
public sealed class FunctionResult
{
    public int Status { get; set; }
    public string? ContentType { get; set; }

    /// <summary>The service's (or the gateway's) own words when the call failed.</summary>
    public string? Error { get; set; }

    public JsonNode? Json { get; set; }
    public string? Text { get; set; }

    /// <summary>Server-sent events, each as it arrived; <see cref="StreamedText"/> gathers chat deltas from them.</summary>
    public List<(string Event, string Data)> Events { get; } = [];
    public string StreamedText { get; set; } = "";
    public bool Streaming { get; set; }

    /// <summary>Audio or images as data URLs (shown, played and downloaded from the page itself).</summary>
    public List<(string DataUrl, string ContentType, string FileName)> Media { get; } = [];

    public TimeSpan Elapsed { get; set; }
}
