using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Security;

/// <summary>What a credential is for; each kind is counted apart, so a tenant's wrong key does not block its host's registrations.</summary>
internal static class FailedAuthScopes
{
    public const string Registration = "registration";
    public const string Admin = "admin";
    public const string Tenant = "tenant";
}

/// <summary>
/// Throttles credential guessing per client address: after <see cref="FailedAuthOptions.MaxFailures"/> failures
/// within the window, every request of that scope from the address gets 429 for <see cref="FailedAuthOptions.BlockFor"/>,
/// valid credential or not (answering a right guess differently would keep the guessing going). A success neither
/// counts nor resets the count: a caller holding one valid key must not be able to launder its guesses of others.
/// IPv6 clients are counted per /64, the block one host is normally given. Loopback is not exempt.
/// </summary>
/// <remarks>
/// Written here rather than on System.Threading.RateLimiting: its limiters count every acquisition and cannot peek
/// without consuming, while this counts failures only, refuses everything while blocked, and runs on the injected
/// <see cref="TimeProvider"/> so it can be tested without sleeping.
/// </remarks>
internal sealed class FailedAuthThrottle(IOptions<FailedAuthOptions> options, TimeProvider time)
{
    /// <summary>Beyond this many tracked addresses, expired entries are swept; the cost of a flood is bounded by it.</summary>
    private const int SweepAbove = 100_000;

    private readonly FailedAuthOptions _options = options.Value;
    private readonly ConcurrentDictionary<(string Scope, IPAddress? Client), Entry> _entries = new();

    /// <summary>How long <paramref name="client"/> must wait before trying <paramref name="scope"/> again, or <c>null</c> when it may now.</summary>
    public TimeSpan? RetryAfter(string scope, IPAddress? client)
    {
        if (!_entries.TryGetValue((scope, Key(client)), out var entry)) return null;
        var now = time.GetUtcNow();
        lock (entry)
        {
            return entry.BlockedUntil > now ? entry.BlockedUntil - now : null;
        }
    }

    /// <summary>Counts a failed authentication of <paramref name="client"/>.</summary>
    public void RecordFailure(string scope, IPAddress? client)
    {
        if (_entries.Count > SweepAbove) Sweep();
        var entry = _entries.GetOrAdd((scope, Key(client)), _ => new Entry());
        var now = time.GetUtcNow();
        lock (entry)
        {
            if (entry.BlockedUntil > now) return;
            if (now - entry.WindowStart >= _options.Window)
            {
                entry.WindowStart = now;
                entry.Failures = 0;
            }

            if (++entry.Failures < _options.MaxFailures) return;
            entry.BlockedUntil = now + _options.BlockFor;
            entry.Failures = 0;
        }
    }

    /// <summary><c>Retry-After</c>'s value: whole seconds, rounded up, at least one.</summary>
    public static string RetryAfterHeader(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            bool expired;
            lock (entry) expired = entry.BlockedUntil <= now && now - entry.WindowStart >= _options.Window;
            if (expired) _entries.TryRemove(key, out _);
        }
    }

    private static IPAddress? Key(IPAddress? client)
    {
        if (client is null) return null;
        client = AddressClass.Normalize(client);
        if (client.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(client)) return client;
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart { get; set; } = DateTimeOffset.MinValue;
        public int Failures { get; set; }
        public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
