using Nexus.Gateway.Routing;
using Nexus.Gateway.Routing.Health;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// How forwarding ended: the status to record (what the client saw, or 502 for an answer the upstream cut off), the
/// instance that answered, what it used, and what the last attempt said about that instance.
/// </summary>
internal sealed record ForwardResult(int Status, Upstream? Instance, UsageMeter Meter, string? Failure, bool ClientAborted, AttemptOutcome Outcome)
{
    /// <summary>Status recorded when the client hung up before the answer was complete (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;
}
