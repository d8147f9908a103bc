namespace Nexus.Ui.Account;

/// <summary>What a typed key turned out to be, as the gateway answered.</summary>
internal enum KeyKind
{
    Invalid,
    Admin,
    Tenant,

    /// <summary>The gateway refuses credentials from this address for the rest of the minute (too many wrong keys).</summary>
    Throttled,
    GatewayUnreachable,
}
