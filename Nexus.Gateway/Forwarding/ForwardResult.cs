using Nexus.Gateway.Routing;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding;

/// <summary>How forwarding ended: the status the client saw, the instance that answered, what it used.</summary>
internal sealed record ForwardResult(int Status, Upstream? Instance, UsageMeter Meter, string? Failure, bool ClientAborted)
{
    /// <summary>Status recorded when the client hung up before the answer was complete (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;
}
