using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.RegularExpressions;

namespace Nexus.Services.Knowledge.Apis;

/// <summary>The rules for names and ids, and the errors that say which field broke which rule.</summary>
internal static partial class Validation
{
    public const string CollectionRule = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    public const string DocumentIdRule = "1-200 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit";

    public static bool IsCollection(string? name) => name is not null && CollectionPattern().IsMatch(name);

    public static bool IsDocumentId(string? id) => id is not null && DocumentIdPattern().IsMatch(id);

    /// <summary>A document id made from a file name: characters outside the rule become '-', at most 200 of them.</summary>
    public static string? DocumentIdFromFileName(string? fileName)
    {
        var name = NotAllowed().Replace(Path.GetFileName(fileName ?? ""), "-").TrimStart('.', '_', ':', '@', '-');
        if (name.Length > 200) name = name[..200];
        return IsDocumentId(name) ? name : null;
    }

    /// <summary>Collects field errors; <see cref="Problem"/> is the 400 when there are any.</summary>
    public sealed class Errors
    {
        private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

        public void Add(string field, string message) => _errors[field] = [message];

        public void Collection(string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) Add("collection", "'collection' is required.");
            else if (!IsCollection(value)) Add("collection", $"'collection' must be {CollectionRule}.");
        }

        public void Range(string field, double? value, double min, double max)
        {
            if (value is { } v && (double.IsNaN(v) || v < min || v > max)) Add(field, $"'{field}' must be between {min} and {max}.");
        }

        public ValidationProblem? Problem => _errors.Count == 0 ? null : TypedResults.ValidationProblem(_errors);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex CollectionPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$")]
    private static partial Regex DocumentIdPattern();

    [GeneratedRegex("[^A-Za-z0-9._:@-]")]
    private static partial Regex NotAllowed();
}
