using Nexus.Gateway.Apis.Files;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding;

/// <summary>What one attempt at one instance learned while YARP forwarded it.</summary>
internal sealed class AttemptState(UsageMeter meter, RequestTiming timing, bool canRetry, bool stripUsage, bool openAIErrors)
{
    public UsageMeter Meter { get; } = meter;

    public RequestTiming Timing { get; } = timing;

    /// <summary>When the attempt was sent (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long SentAt { get; set; }

    /// <summary>Whether a 503 from this instance may move on to another one (nothing sent to the client yet).</summary>
    public bool CanRetry { get; } = canRetry;

    public bool StripUsage { get; } = stripUsage;

    /// <summary>The request is on an OpenAI route: an upstream's problem details reach the client as OpenAI's envelope.</summary>
    public bool OpenAIErrors { get; } = openAIErrors;

    /// <summary>The instance answered 503 and the answer was withheld so another instance can be tried.</summary>
    public bool RetryOn503 { get; set; }

    /// <summary>Set on the images route: the instance's image file URLs in a JSON answer become the gateway's links.</summary>
    public ImageLinks? ImageLinks { get; init; }

    public bool Streamed { get; set; }

    public long HeadersReceivedAt { get; set; }
}
