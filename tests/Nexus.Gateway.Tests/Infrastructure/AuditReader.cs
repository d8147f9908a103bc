using System.Text.Json.Nodes;

namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>Reads the audit trail through the admin API, waiting for the asynchronous writer.</summary>
public static class AuditReader
{
    public static async Task<JsonArray> WaitForAsync(HttpClient admin, string path, int expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonObject>(path, timeout.Token);
            var rows = page!["data"]!.AsArray();
            if (rows.Count >= expected) return rows;
            await Task.Delay(50, timeout.Token);
        }
    }
}
