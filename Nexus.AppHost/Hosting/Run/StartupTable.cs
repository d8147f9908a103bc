using System.Globalization;
using System.Text;

namespace Nexus.AppHost.Hosting;

/// <summary>The table printed once everything is up: each resource, its state, URL, and how and why it runs that way.</summary>
internal static class StartupTable
{
    public static string Render(IEnumerable<ResourceSupervisor> supervisors)
    {
        var rows = supervisors.Where(s => s.Resource is not ParameterResource).Select(s => new[]
        {
            s.Name,
            s.State.ToString().ToLowerInvariant(),
            s.Restarts.ToString(CultureInfo.InvariantCulture),
            s.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "-",
            s.Plan.Url ?? "-",
            s.Plan.How,
            s.Plan.Why,
        }).Prepend(["RESOURCE", "STATE", "RESTARTS", "PID", "URL", "HOW", "WHY"]).ToList();
        var widths = Enumerable.Range(0, 6).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < 6; i++) text.Append(row[i].PadRight(widths[i] + 2));
            text.AppendLine(row[6]);
        }

        return text.ToString();
    }
}
