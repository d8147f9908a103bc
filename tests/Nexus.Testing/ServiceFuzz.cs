using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexus.Testing;

/// <summary>What one fuzz run saw: every input, what came back, and each broken promise.</summary>
public sealed record FuzzReport(int Inputs, IReadOnlyDictionary<int, int> Statuses, TimeSpan Slowest, IReadOnlyList<string> Failures)
{
    public string Summary(string service) =>
        $"{service}: {Inputs} malformed inputs; statuses {string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}; " +
        $"slowest {Slowest.TotalSeconds:0.00} s; {Failures.Count} failures";
}

/// <summary>
/// Sends <see cref="MalformedInputs"/> for every function a running service describes and checks what a client and
/// the gateway rely on: no 5xx, an answer within <see cref="ResponseLimit"/>, every error in the route's format
/// (OpenAI's envelope on the routes given as OpenAI routes, problem details elsewhere), and the process still alive.
/// </summary>
public static class ServiceFuzz
{
    public static readonly TimeSpan ResponseLimit = TimeSpan.FromSeconds(10);

    public static async Task<FuzzReport> RunAsync(Uri baseAddress, int seed, int total, IReadOnlyCollection<string> openAIRoutes, int concurrency = 4)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = ResponseLimit };
        var metadata = JsonNode.Parse(await http.GetStringAsync("v1/metadata"))!;
        var inputs = new MalformedInputs(metadata, seed).Generate(total);

        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        var slowest = TimeSpan.Zero;
        var slowestLock = new Lock();
        await Parallel.ForEachAsync(inputs, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (input, _) =>
        {
            var response = await SendAsync(baseAddress, input);
            statuses.AddOrUpdate(response.Status, 1, (_, n) => n + 1);
            lock (slowestLock)
            {
                if (response.Elapsed > slowest) slowest = response.Elapsed;
            }

            var route = input.PathAndQuery.Split('?')[0];
            if (Check(response, openAIRoutes.Contains(route)) is { } problem) failures.Enqueue($"{input}: {problem}");
        });

        using var alive = await http.GetAsync("alive");
        if (!alive.IsSuccessStatusCode) failures.Enqueue($"/alive answered {(int)alive.StatusCode} after the run");
        return new FuzzReport(inputs.Count, statuses, slowest, [.. failures]);
    }

    /// <summary>Sends one input as its bytes stand, waiting at most <see cref="ResponseLimit"/>.</summary>
    public static Task<RawHttpResponse> SendAsync(Uri baseAddress, MalformedInput input) =>
        // A declared body longer than the one sent waits for Kestrel's minimum data rate (5 s grace) to end it.
        RawHttp.SendAsync(baseAddress, RawHttp.Request(baseAddress, input.Method, input.PathAndQuery, input.Headers, input.Body, input.DeclaredLength), ResponseLimit);

    /// <summary>What is wrong with an answer to a malformed input, or <c>null</c> when it is a client error in the route's format (or a success).</summary>
    public static string? Check(RawHttpResponse response, bool openAI)
    {
        if (response.Status == 0) return $"no answer within {ResponseLimit.TotalSeconds} s";
        if (response.Status >= 500) return $"{response.Status}: {Shorten(response.Text)}";
        if (response.Status < 400) return null;

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(response.Body);
        }
        catch (JsonException)
        {
            return $"{response.Status} with a body that is not JSON ({response.ContentType}): {Shorten(response.Text)}";
        }

        if (openAI)
        {
            return response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true
                && body?["error"]?["message"]?.GetValue<string>() is { Length: > 0 } && body["error"]?["type"] is not null
                ? null
                : $"{response.Status} is not OpenAI's error envelope ({response.ContentType}): {Shorten(response.Text)}";
        }

        return response.ContentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) == true
            && body?["status"]?.GetValue<int>() == response.Status && body["title"] is not null
            ? null
            : $"{response.Status} is not problem details ({response.ContentType}): {Shorten(response.Text)}";
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] : text;
}
