using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// The HTTP request a tool call makes to its function: route values into the path, the rest into the query string of
/// a <c>GET</c>/<c>DELETE</c>/<c>HEAD</c> or into the JSON body of any other method, as ASP.NET Core binds them.
/// </summary>
/// <param name="Method">The function's HTTP method.</param>
/// <param name="Path">The path with route values filled in, starting with <c>/</c>.</param>
/// <param name="Query">The query string with its <c>?</c>, or empty.</param>
/// <param name="Body">The JSON body, or null for a method without one.</param>
public sealed record FunctionRequest(string Method, string Path, string Query, byte[]? Body)
{
    /// <summary>The request for a call of <paramref name="tool"/> with (already validated) <paramref name="arguments"/>.</summary>
    public static FunctionRequest For(FunctionTool tool, JsonObject arguments)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        var function = tool.Function;
        var remaining = arguments.DeepClone().AsObject();
        var path = new StringBuilder();
        foreach (var segment in RoutePatternFactory.Parse(function.Path).PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        path.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        path.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter when remaining.Remove(parameter.Name, out var value) && value is not null:
                        path.Append(Uri.EscapeDataString(Scalar(value)));
                        break;
                }
            }
        }

        var route = path.ToString().TrimEnd('/') is { Length: > 0 } p ? p : "/";
        var method = function.Method.ToUpperInvariant();
        if (method is "GET" or "DELETE" or "HEAD")
        {
            var query = string.Join('&', remaining
                .Where(p => p.Value is not null)
                .SelectMany(p => (p.Value is JsonArray items ? items.OfType<JsonNode>() : [p.Value!])
                    .Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(Scalar(v))}")));
            return new FunctionRequest(method, route, query.Length > 0 ? "?" + query : "", null);
        }

        var body = tool.WrapsInput ? remaining["input"] : remaining;
        return new FunctionRequest(method, route, "", Encoding.UTF8.GetBytes(body?.ToJsonString() ?? "null"));
    }

    private static string Scalar(JsonNode value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(), // numbers and booleans as JSON writes them, which is how ASP.NET Core binds them
    };
}
