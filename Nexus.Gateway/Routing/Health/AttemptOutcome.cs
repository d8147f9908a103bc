namespace Nexus.Gateway.Routing.Health;

/// <summary>What one forwarding attempt says about the instance that served it.</summary>
internal enum AttemptOutcome
{
    /// <summary>The instance answered (below 400): it works.</summary>
    Success,

    /// <summary>The instance failed: no connection, a timeout, 502/503/504, a cut-off answer.</summary>
    Failure,

    /// <summary>Says nothing about the instance shared by every tenant: a 4xx or 500 (a caller's input), a client that hung up.</summary>
    Neutral,
}
