using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>
/// An operator's API-format workflow (ComfyUI's "Export (API)") with placeholders in its string values. A value that is
/// exactly <c>"{{seed}}"</c> becomes the typed value (a number for numbers); placeholders inside longer text are replaced
/// as text, so <c>"{{prompt}}, watercolour"</c> works. Substitution is on parsed values, so prompts cannot break the JSON.
/// </summary>
internal sealed partial class ComfyUIWorkflowTemplate(JsonObject graph)
{
    private static readonly string[] Known = ["prompt", "negative_prompt", "model", "seed", "width", "height", "batch_size", "steps", "cfg", "sampler", "scheduler"];
    private static readonly string[] Required = ["prompt", "model"];

    public static ComfyUIWorkflowTemplate Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidOperationException($"{path} is not a JSON object."));

    /// <summary>What is wrong with the file, for the start-up validation; empty when it can be used.</summary>
    public static IReadOnlyList<string> Check(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return [$"Image:ComfyUIWorkflowFile '{path}' cannot be read: {ex.Message}"];
        }

        JsonNode? graph;
        try
        {
            graph = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return [$"Image:ComfyUIWorkflowFile '{path}' is not JSON: {ex.Message}"];
        }

        if (graph is not JsonObject nodes || nodes.Any(n => n.Value.Field("class_type").Text() is null))
        {
            return [$"Image:ComfyUIWorkflowFile '{path}' is not an API-format workflow (an object of nodes with class_type); export it with \"Export (API)\"."];
        }

        var used = Strings(nodes).SelectMany(s => Placeholder().Matches(s)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var errors = used.Except(Known).Select(p => $"Image:ComfyUIWorkflowFile '{path}' uses the unknown placeholder {{{{{p}}}}}; known: {string.Join(", ", Known)}.").ToList();
        errors.AddRange(Required.Except(used).Select(p => $"Image:ComfyUIWorkflowFile '{path}' must use the placeholder {{{{{p}}}}}."));
        return errors;
    }

    public JsonObject Build(GenerationPlan plan, ImageOptions options)
    {
        var values = new Dictionary<string, JsonValue>(StringComparer.Ordinal)
        {
            ["prompt"] = JsonValue.Create(plan.Prompt),
            ["negative_prompt"] = JsonValue.Create(""),
            ["model"] = JsonValue.Create(plan.Model),
            ["seed"] = JsonValue.Create(plan.Seed),
            ["width"] = JsonValue.Create(plan.Width),
            ["height"] = JsonValue.Create(plan.Height),
            ["batch_size"] = JsonValue.Create(plan.Count),
            ["steps"] = JsonValue.Create(options.Steps),
            ["cfg"] = JsonValue.Create(options.CfgScale),
            ["sampler"] = JsonValue.Create(options.ComfyUISampler),
            ["scheduler"] = JsonValue.Create(options.ComfyUIScheduler),
        };
        return (JsonObject)Fill(graph, values)!;
    }

    private static JsonNode? Fill(JsonNode? node, Dictionary<string, JsonValue> values) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Fill(p.Value, values)))),
        JsonArray a => new JsonArray(a.Select(i => Fill(i, values)).ToArray()),
        JsonValue v when v.Text() is { } s => FillText(s, values),
        _ => node?.DeepClone(),
    };

    private static JsonNode FillText(string text, Dictionary<string, JsonValue> values)
    {
        var whole = Placeholder().Match(text);
        if (whole.Success && whole.Length == text.Length && values.TryGetValue(whole.Groups[1].Value, out var typed)) return typed.DeepClone();
        return JsonValue.Create(Placeholder().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var v) ? AsText(v) : m.Value));
    }

    // Numbers serialise invariantly, so a seed inside text reads the same on every machine.
    private static string AsText(JsonValue value) => value.Text() ?? value.ToJsonString();

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.Text() is { } s => [s],
        _ => [],
    };

    [GeneratedRegex(@"\{\{([a-z_]+)\}\}")]
    private static partial Regex Placeholder();
}
