using System.Text.RegularExpressions;
using Nexus.Contract;

namespace Nexus.Agents.Tools.Workspace;

/// <summary>What <c>dotnet new nexus-service</c> accepts, checked before it runs so a bad name is a clear answer.</summary>
internal static partial class ServiceName
{
    /// <summary>The kinds the template offers (every descriptor kind but <c>ui</c>).</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. ServiceKinds.All.Where(k => k != ServiceKinds.Ui)];

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]{0,40}(\.[A-Za-z][A-Za-z0-9]{0,40}){0,4}$")]
    private static partial Regex Pattern();
}
