using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

// Stands in for `wrk -c N -d Ss --latency -s chat.lua URL` where wrk is not installed: N connections, each sending the
// chat request of chat.lua (with BENCH_KEY) back to back for S seconds. Prints the lines run.sh reads from wrk. It costs
// more CPU per request than wrk, so compare figures taken with the same generator only.
// Usage: Load <connections> <seconds> <url>
var connections = int.Parse(args[0], CultureInfo.InvariantCulture);
var duration = TimeSpan.FromSeconds(double.Parse(args[1], CultureInfo.InvariantCulture));
var url = new Uri(args[2]);
var body = Encoding.UTF8.GetBytes("""{"model":"bench","max_tokens":16,"messages":[{"role":"user","content":"Say hello."}]}""");
var key = Environment.GetEnvironmentVariable("BENCH_KEY");

using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
    MaxConnectionsPerServer = connections,
});
var latencies = new List<long>[connections];
var failures = new long[connections];
var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
var started = Stopwatch.GetTimestamp();
await Task.WhenAll(Enumerable.Range(0, connections).Select(i => Task.Run(() => LoopAsync(i))));
var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

var all = latencies.SelectMany(l => l).Order().ToArray();
var inv = CultureInfo.InvariantCulture;
Console.WriteLine("  Latency Distribution");
Console.WriteLine(string.Create(inv, $"     50%  {Micros(Percentile(0.50))}us"));
Console.WriteLine(string.Create(inv, $"     99%  {Micros(Percentile(0.99))}us"));
if (failures.Sum() > 0) Console.WriteLine(string.Create(inv, $"  Non-2xx or 3xx responses: {failures.Sum()}"));
Console.WriteLine(string.Create(inv, $"Requests/sec: {all.Length / elapsed:0.00}"));

async Task LoopAsync(int index)
{
    var own = latencies[index] = new List<long>(1 << 16);
    var scratch = new byte[64 * 1024];
    while (Stopwatch.GetTimestamp() < end)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (!string.IsNullOrEmpty(key)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var at = Stopwatch.GetTimestamp();
        using var response = await invoker.SendAsync(request, CancellationToken.None);
        await using (var stream = await response.Content.ReadAsStreamAsync())
        {
            while (await stream.ReadAsync(scratch) > 0)
            {
            }
        }

        own.Add(Stopwatch.GetTimestamp() - at);
        if ((int)response.StatusCode is < 200 or > 299) failures[index]++;
    }
}

double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))];

string Micros(double ticks) => (ticks * 1_000_000.0 / Stopwatch.Frequency).ToString("0.00", CultureInfo.InvariantCulture);
