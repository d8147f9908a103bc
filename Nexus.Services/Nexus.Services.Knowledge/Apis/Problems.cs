using Microsoft.AspNetCore.Http.HttpResults;

namespace Nexus.Services.Knowledge.Apis;

/// <summary>Problem details with a status and a sentence that says what to do.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(int status, string detail) => TypedResults.Problem(detail, statusCode: status);

    public static ProblemHttpResult NoCollection(string collection) =>
        Of(StatusCodes.Status404NotFound, $"There is no collection '{collection}'; ingest a document into it first.");
}
