using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Gateway.Registry.Backends;
using Nexus.Gateway.Security;
using Nexus.ServiceDefaults.Metadata;

namespace Nexus.Gateway.Registry;

/// <summary>What a renewal or deregistration found.</summary>
internal enum InstanceAccess
{
    Done,
    NotFound,
    WrongSecret,

    /// <summary>The base URL now resolves where the address policy forbids; the registration was removed.</summary>
    Refused,
}

/// <summary>
/// The server side of the registration protocol: records a registration with a fresh instance secret (stored only
/// hashed), renews leases, refetches the descriptor when a renewal reports a new version or hash, deregisters.
/// </summary>
internal sealed partial class Registrar(
    IRegistryBackend backend,
    ServiceRegistry registry,
    DescriptorFetcher fetcher,
    UpstreamAddressPolicy addresses,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<Registrar> logger)
{
    public async Task<RegisterInstanceResponse> RegisterAsync(RegisterInstanceRequest request, CancellationToken cancellationToken)
    {
        var secret = InstanceSecrets.Generate();
        var leaseSeconds = options.Value.LeaseSeconds;
        var record = new InstanceRecord
        {
            InstanceId = request.Descriptor.InstanceId,
            BaseUrl = request.BaseUrl,
            Descriptor = request.Descriptor,
            SecretHash = InstanceSecrets.Hash(secret),
            DescriptorHash = DescriptorProvider.Hash(request.Descriptor),
            RegisteredAt = time.GetUtcNow(),
            LeaseSeconds = leaseSeconds,
        };

        // Registering an id that exists replaces it: the holder of the registration token is trusted, and an
        // instance that restarted with a fixed id must not wait for its old lease to run out.
        var previous = registry.FindRecord(record.InstanceId);
        await backend.CreateAsync(record, previous?.LeaseId, cancellationToken);
        return new RegisterInstanceResponse { InstanceId = record.InstanceId, InstanceSecret = secret, LeaseSeconds = leaseSeconds };
    }

    public async Task<(InstanceAccess Access, RenewLeaseResponse? Response, string? Refusal)> RenewAsync(string instanceId, string secret, RenewLeaseRequest request, CancellationToken cancellationToken)
    {
        if (registry.FindRecord(instanceId) is not (var record, var leaseId)) return (InstanceAccess.NotFound, null, null);
        if (!InstanceSecrets.Matches(secret, record.SecretHash)) return (InstanceAccess.WrongSecret, null, null);

        // A name checked at registration may resolve elsewhere now. A name that does not resolve at the moment keeps
        // its lease (a resolver hiccup must not drop a fleet); connections are checked again as they open anyway.
        var check = await addresses.CheckInstanceAsync(new Uri(record.BaseUrl), cancellationToken);
        if (!check.Allowed && !check.Unresolvable)
        {
            LogRefused(logger, instanceId, check.Problem!);
            await backend.DeleteAsync(instanceId, leaseId, cancellationToken);
            return (InstanceAccess.Refused, null, check.Problem);
        }

        if (!await backend.RenewAsync(record, leaseId, cancellationToken)) return (InstanceAccess.NotFound, null, null);

        if (!string.Equals(request.DescriptorHash, record.DescriptorHash, StringComparison.Ordinal)
            || !string.Equals(request.Version, record.Descriptor.Version, StringComparison.Ordinal))
        {
            await RefreshDescriptorAsync(record, leaseId, request, cancellationToken);
        }

        var state = registry.Find(instanceId)?.State ?? InstanceState.Registering;
        return (InstanceAccess.Done, new RenewLeaseResponse { LeaseSeconds = record.LeaseSeconds, State = state.ToString().ToLowerInvariant() }, null);
    }

    public async Task<InstanceAccess> DeregisterAsync(string instanceId, string secret, CancellationToken cancellationToken)
    {
        if (registry.FindRecord(instanceId) is not (var record, var leaseId)) return InstanceAccess.NotFound;
        if (!InstanceSecrets.Matches(secret, record.SecretHash)) return InstanceAccess.WrongSecret;
        await backend.DeleteAsync(instanceId, leaseId, cancellationToken);
        return InstanceAccess.Done;
    }

    private async Task RefreshDescriptorAsync(InstanceRecord record, long leaseId, RenewLeaseRequest request, CancellationToken cancellationToken)
    {
        var (descriptor, error) = await fetcher.FetchAsync(record, cancellationToken);
        if (descriptor is null)
        {
            // Keep serving the descriptor we have; the next renewal tries again, as its hash still differs.
            LogRefetchFailed(logger, record.InstanceId, request.Version, error);
            return;
        }

        var updated = record with { Descriptor = descriptor, DescriptorHash = DescriptorProvider.Hash(descriptor) };
        await backend.UpdateAsync(updated, leaseId, cancellationToken);
        LogRefetched(logger, record.InstanceId, record.Descriptor.Version, descriptor.Version);
    }

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Removed {InstanceId} at its renewal: its base URL is no longer allowed: {Reason}")]
    private static partial void LogRefused(ILogger logger, string instanceId, string reason);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Refetched the descriptor of {InstanceId} (version {OldVersion} -> {NewVersion}).")]
    private static partial void LogRefetched(ILogger logger, string instanceId, string oldVersion, string newVersion);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Could not refetch the descriptor of {InstanceId} (reported version {Version}); keeping the registered one: {Reason}")]
    private static partial void LogRefetchFailed(ILogger logger, string instanceId, string version, string? reason);
}
