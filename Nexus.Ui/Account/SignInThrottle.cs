using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Nexus.Ui.Account;

/// <summary>
/// Wrong keys typed on the sign-in page, per browser address: after <see cref="UiOptions.SignInFailuresPerMinute"/> in
/// a minute, that address's sign-ins are refused here, before the gateway is asked. The gateway throttles failed
/// credentials per client address too, and every person of this UI reaches it from the UI's one address (unless the
/// gateway trusts the UI's <c>X-Forwarded-For</c>), so without this one person's typos would lock everyone out.
/// </summary>
internal sealed class SignInThrottle(IOptions<UiOptions> options, TimeProvider time)
{
    private const int MaxAddresses = 100_000;
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    private sealed class Window
    {
        public long Minute;
        public int Failures;
    }

    /// <summary>Whether sign-ins from the address are refused for the rest of the minute.</summary>
    public bool IsBlocked(IPAddress? address)
    {
        var limit = options.Value.SignInFailuresPerMinute;
        if (limit == 0 || address is null || !_windows.TryGetValue(address, out var window)) return false;
        lock (window) return window.Minute == CurrentMinute() && window.Failures >= limit;
    }

    /// <summary>Counts a wrong key typed from the address.</summary>
    public void Failed(IPAddress? address)
    {
        if (options.Value.SignInFailuresPerMinute == 0 || address is null) return;
        var minute = CurrentMinute();
        if (_windows.Count >= MaxAddresses)
        {
            // Past windows mean nothing any more; dropping them keeps the table bounded under a flood of addresses.
            foreach (var (key, old) in _windows)
            {
                if (Volatile.Read(ref old.Minute) < minute) _windows.TryRemove(key, out _);
            }
        }

        var window = _windows.GetOrAdd(address, static _ => new Window());
        lock (window)
        {
            if (window.Minute != minute) (window.Minute, window.Failures) = (minute, 0);
            window.Failures++;
        }
    }

    private long CurrentMinute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;
}
