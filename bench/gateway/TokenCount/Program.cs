// Measures what exact token counting adds to a request, on the gateway's own code (PromptTokens): the first call per
// tokenizer (its vocabulary loaded), then time and managed allocations per count for bodies of several sizes, beside
// the byte estimate an unknown model gets. A loop with Stopwatch and the runtime's allocation counter, not a test.
// Usage: dotnet run -c Release --project bench/gateway/TokenCount [iterations per body, default 2000]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Usage.Tokens;

var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var chat = GatewayEndpoints.OpenAI.Single(e => e.Name == "chat.completions");
const string Sentence = "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage. ";

byte[] Body(string model, int repeat) => JsonSerializer.SerializeToUtf8Bytes(new
{
    model,
    max_tokens = 16,
    messages = new object[]
    {
        new { role = "system", content = "You are a helpful assistant." },
        new { role = "user", content = string.Concat(Enumerable.Repeat(Sentence, repeat)) },
    },
});

Console.WriteLine("| tokenizer | first call, vocabulary loaded (ms) | managed heap after (MiB) |");
Console.WriteLine("|---|---|---|");
foreach (var model in new[] { "gpt-4o", "gpt-4" })
{
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var start = Stopwatch.GetTimestamp();
    PromptTokens.Count(model, chat, Body(model, 1));
    var elapsed = Stopwatch.GetElapsedTime(start);
    var after = GC.GetTotalMemory(forceFullCollection: true);
    Console.WriteLine($"| {model} | {elapsed.TotalMilliseconds:F0} | +{(after - before) / 1048576.0:F1} |");
}

Console.WriteLine();
Console.WriteLine($"| model | body (bytes) | prompt tokens | µs per count (median of 5 x {iterations}) | bytes allocated per count |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var repeat in new[] { 1, 10, 100, 1000 })
{
    foreach (var model in new[] { "gpt-4o", "gpt-4", "llama3.2" })
    {
        var body = Body(model, repeat);
        var runs = repeat >= 1000 ? Math.Max(1, iterations / 100) : iterations;
        long tokens = 0;
        for (var i = 0; i < runs; i++) tokens = PromptTokens.Count(model, chat, body); // warm-up: tiered JIT
        var samples = new double[5];
        long allocated = 0;
        for (var s = 0; s < samples.Length; s++)
        {
            var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < runs; i++) tokens = PromptTokens.Count(model, chat, body);
            samples[s] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / runs;
            allocated = (GC.GetAllocatedBytesForCurrentThread() - bytesBefore) / runs;
        }

        Array.Sort(samples);
        Console.WriteLine($"| {model} | {body.Length} | {tokens} | {samples[2]:F2} | {allocated} |");
    }
}
