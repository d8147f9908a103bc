using System.Globalization;
using System.Text.Json.Nodes;

namespace Nexus.Ui.Gateway;

/// <summary>One series' totals on one day.</summary>
public sealed record UsageTotal(long Requests, long Tokens);

/// <summary>One day of usage, per series (a key and a model).</summary>
public sealed record UsageDay(DateOnly Day, IReadOnlyDictionary<string, UsageTotal> Values);

/// <summary>
/// Usage over time from the gateway's usage APIs, which sum a period: one period a day (UTC), each row of a day summed
/// into its series, named by key and model (and tenant, when several tenants are shown).
/// </summary>
internal static class UsageSeries
{
    /// <summary>The days from <paramref name="days"/> ago to today; <paramref name="query"/> answers one day's rows.</summary>
    public static async Task<(IReadOnlyList<UsageDay> Days, IReadOnlyList<string> Series)> LoadAsync(int days, Func<DateOnly, DateOnly, Task<IReadOnlyList<JsonObject>>> query, Func<JsonObject, string> seriesOf)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var result = new List<UsageDay>();
        var series = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = days - 1; i >= 0; i--)
        {
            var values = new Dictionary<string, UsageTotal>(StringComparer.Ordinal);
            foreach (var row in await query(today.AddDays(-i), today.AddDays(1 - i)))
            {
                var name = seriesOf(row);
                var total = new UsageTotal((long?)row["requests"] ?? 0, ((long?)row["promptTokens"] ?? 0) + ((long?)row["completionTokens"] ?? 0));
                values[name] = values.TryGetValue(name, out var sum) ? new UsageTotal(sum.Requests + total.Requests, sum.Tokens + total.Tokens) : total;
                series.Add(name);
            }

            result.Add(new UsageDay(today.AddDays(-i), values));
        }

        return (result, [.. series]);
    }

    /// <summary>A day's start as the usage APIs take it.</summary>
    public static string Stamp(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);
}
