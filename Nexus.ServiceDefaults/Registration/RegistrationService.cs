using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.ServiceDefaults.Metadata;
using Polly;

namespace Nexus.ServiceDefaults.Registration;

/// <summary>
/// Registers the service once it listens, renews its lease at a third of the lease, registers again when the
/// registry has forgotten it, and deregisters when the host begins to stop. While the registry is down the
/// service keeps serving and retries with capped exponential backoff and jitter.
/// </summary>
internal sealed partial class RegistrationService(
    RegistrationClient client,
    DescriptorProvider descriptors,
    IOptions<NexusServiceOptions> options,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<RegistrationService> logger) : BackgroundService, IHostedLifecycleService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long after start a registry that is not answering yet is expected rather than a fault: under the AppHost a
    /// service starts beside the gateway, which takes a few seconds to listen. Until the first registration, within this
    /// time, such a failure is logged as information and retried within <see cref="StartupRetryDelay"/>, so the service
    /// registers soon after the gateway listens; after it, as a warning with the full backoff.
    /// </summary>
    internal static readonly TimeSpan StartupGrace = TimeSpan.FromSeconds(30);

    internal static readonly TimeSpan StartupRetryDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private RegisterInstanceResponse? _registration;
    private Uri? _registry;

    /// <summary>
    /// The registry's address: <c>Nexus:Registry:Url</c>, or the gateway the AppHost references, by name: service discovery
    /// resolves <c>https+http://gateway</c> from <c>services:gateway:https:0</c>, else <c>services:gateway:http:0</c>.
    /// </summary>
    internal static string? ResolveRegistryUrl(NexusServiceOptions options, IConfiguration configuration) =>
        options.Registry.Url ?? (configuration.GetSection("services:gateway").Exists() ? "https+http://gateway" : null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Registry;
        var url = ResolveRegistryUrl(options.Value, configuration);
        if (!settings.Enabled || url is null)
        {
            LogRegistrationOff(logger);
            return;
        }

        _registry = new Uri(url.TrimEnd('/') + "/");
        if (settings.Token is null) LogNoToken(logger, _registry);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _stopping.Token);
        try
        {
            await WhenStartedAsync(linked.Token);
            await RunAsync(_registry, settings, linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RunAsync(Uri registry, RegistryClientOptions settings, CancellationToken cancellationToken)
    {
        var failures = 0;
        var started = time.GetTimestamp();
        var registeredOnce = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_registration is null)
                {
                    var descriptor = await descriptors.GetDescriptorAsync(cancellationToken);
                    var baseUrl = descriptors.AdvertisedUrl() ?? throw new InvalidOperationException("The service has no listening address to advertise; set Nexus:AdvertisedUrl.");
                    _registration = await client.RegisterAsync(registry, settings.Token, new RegisterInstanceRequest { BaseUrl = baseUrl, Descriptor = descriptor }, cancellationToken);
                    LogRegistered(logger, descriptor.Name, _registration.InstanceId, registry, baseUrl, _registration.LeaseSeconds);
                    registeredOnce = true;
                }
                else
                {
                    var descriptor = await descriptors.GetDescriptorAsync(cancellationToken);
                    var renewal = await client.RenewAsync(registry, _registration, new RenewLeaseRequest { Version = descriptor.Version, DescriptorHash = DescriptorProvider.Hash(descriptor) }, cancellationToken);
                    if (renewal is null)
                    {
                        LogForgotten(logger, _registration.InstanceId);
                        _registration = null;
                        continue;
                    }

                    _registration = _registration with { LeaseSeconds = renewal.LeaseSeconds };
                }

                failures = 0;
                await Task.Delay(RenewInterval(_registration.LeaseSeconds), time, cancellationToken);
            }
            // ExecutionRejectedException: the resilience handler's attempt timeout or open circuit, e.g. a gateway that
            // listens but is still too busy starting to answer; uncaught, it would stop the service's host.
            catch (Exception ex) when (ex is HttpRequestException or RegistrationException or InvalidOperationException or System.Text.Json.JsonException or ExecutionRejectedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(++failures, settings.MaxRetryDelay);
                if (!registeredOnce && IsNotUpYet(ex) && time.GetElapsedTime(started) < StartupGrace)
                {
                    delay = delay < StartupRetryDelay ? delay : StartupRetryDelay;
                    LogWaitingForRegistry(logger, registry, delay.TotalSeconds, failures, ex.Message);
                }
                else
                {
                    LogRetry(logger, registry, delay.TotalSeconds, failures, ex.Message);
                }

                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>A registry still starting: not listening, not answering in time, or answering 5xx. A refusal (4xx, e.g. a
    /// wrong token) is a fault at any time.</summary>
    internal static bool IsNotUpYet(Exception exception) =>
        exception is HttpRequestException or TaskCanceledException or ExecutionRejectedException
        || exception is RegistrationException { Status: >= HttpStatusCode.InternalServerError };

    /// <summary>A third of the lease, so two renewals can fail before it runs out.</summary>
    internal static TimeSpan RenewInterval(int leaseSeconds) => TimeSpan.FromSeconds(Math.Max(leaseSeconds, 1) / 3.0);

    /// <summary>0.5 s doubling per failure up to the cap, with ±20% jitter so a fleet does not retry in step.</summary>
    internal static TimeSpan Backoff(int failures, TimeSpan max)
    {
        var exponential = FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Deregister as the host begins to stop, before the server stops taking requests, so routing moves away first.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_registration is not { } registration || _registry is null) return;

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await client.DeregisterAsync(_registry, registration, timeout.Token);
            LogDeregistered(logger, registration.InstanceId);
        }
        catch (Exception ex) when (ex is HttpRequestException or RegistrationException or ExecutionRejectedException or OperationCanceledException)
        {
            LogDeregisterFailed(logger, registration.InstanceId, ex.Message);
        }
        finally
        {
            _registration = null;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Self-registration is off: no registry is configured (Nexus:Registry:Url).")]
    private static partial void LogRegistrationOff(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "No registration token is configured (Nexus:Registry:Token); the registry at {Registry} will likely refuse this service.")]
    private static partial void LogNoToken(ILogger logger, Uri registry);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Registered {Service} as {InstanceId} with {Registry}, reachable at {BaseUrl}, lease {LeaseSeconds}s.")]
    private static partial void LogRegistered(ILogger logger, string service, string instanceId, Uri registry, string baseUrl, int leaseSeconds);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "The registry no longer knows instance {InstanceId}; registering again.")]
    private static partial void LogForgotten(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Registry {Registry} unavailable; retrying in {DelaySeconds:0.0}s (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, Uri registry, double delaySeconds, int attempt, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Registry {Registry} not answering yet; retrying in {DelaySeconds:0.0}s (attempt {Attempt}): {Reason}")]
    private static partial void LogWaitingForRegistry(ILogger logger, Uri registry, double delaySeconds, int attempt, string reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Deregistered instance {InstanceId}.")]
    private static partial void LogDeregistered(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Could not deregister instance {InstanceId}; its lease will expire: {Reason}")]
    private static partial void LogDeregisterFailed(ILogger logger, string instanceId, string reason);
}
