using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Keys;

/// <summary>
/// Failed authentication per client address (the connection's, or the one a trusted proxy forwards:
/// <see cref="AuthThrottleProxies"/>), for tenant keys, admin keys and registration tokens alike: after
/// <see cref="GatewayOptions.AuthFailuresPerMinute"/> failures in a minute, every request from that address that
/// presents a credential is refused with 429 until the minute ends, before its credential is checked, so guessing
/// gets nowhere and learns nothing.
/// </summary>
internal sealed class AuthThrottle(IOptionsMonitor<GatewayOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();
    private int _blocked;

    private sealed class Window
    {
        public long Minute;
        public int Failures;
    }

    /// <summary>Whether the address is refused now, and for how long.</summary>
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        // No address has reached the limit since the table was last pruned (the common case): no lookup at all.
        if (Volatile.Read(ref _blocked) == 0 || address is null || !_windows.TryGetValue(address, out var window)) return false;
        var limit = options.CurrentValue.AuthFailuresPerMinute;
        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        lock (window)
        {
            if (limit == 0 || window.Minute != minute || window.Failures < limit) return false;
        }

        var wait = DateTimeOffset.FromUnixTimeSeconds((minute + 1) * 60) - now;
        retryAfter = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
        return true;
    }

    /// <summary>Counts a failed authentication from the address.</summary>
    public void Failed(IPAddress? address)
    {
        var limit = options.CurrentValue.AuthFailuresPerMinute;
        if (address is null || limit == 0) return;
        if (_windows.Count > 100_000) Forget();
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var window = _windows.GetOrAdd(address, static _ => new Window());
        lock (window)
        {
            if (window.Minute != minute) (window.Minute, window.Failures) = (minute, 0);
            if (++window.Failures == limit) Interlocked.Increment(ref _blocked);
        }
    }

    // Addresses whose window has passed are dropped; the blocked count is then recounted from what remains.
    private void Forget()
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        foreach (var (address, window) in _windows)
        {
            if (Volatile.Read(ref window.Minute) < minute) _windows.TryRemove(address, out _);
        }

        Volatile.Write(ref _blocked, _windows.Count);
    }
}
