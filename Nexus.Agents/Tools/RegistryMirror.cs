using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using Microsoft.Extensions.Options;
using Nexus.Contract;

namespace Nexus.Agents.Tools;

/// <summary>An instance as the gateway's registry API lists it.</summary>
public sealed record RegistryInstance
{
    public required string InstanceId { get; init; }
    public required string Service { get; init; }
    public required string Kind { get; init; }
    public required string State { get; init; }
    public string? StateReason { get; init; }
    public required NexusServiceDescriptor Descriptor { get; init; }
}

internal sealed record RegistryInstanceList(IReadOnlyList<RegistryInstance> Instances);

/// <summary>
/// The gateway's registry as this service last saw it: the instance list at start, read again on every event of the
/// registry's watch stream (an event says something changed; the list says what is true now, so no event can be missed
/// or applied out of order).
/// </summary>
internal sealed partial class RegistryMirror(IHttpClientFactory clients, IOptions<AgentsOptions> options, ILogger<RegistryMirror> logger) : BackgroundService
{
    public const string ClientName = "registry";
    private ImmutableArray<RegistryInstance> _instances = [];

    /// <summary>Why the mirror has nothing, when it has nothing (no key, gateway unreachable).</summary>
    public string? Problem { get; private set; } = "The registry has not been read yet.";

    public ImmutableArray<RegistryInstance> Instances => _instances;

    public event Action? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(options.Value.GatewayUrl) || string.IsNullOrEmpty(options.Value.RegistryKeyOrApiKey))
        {
            Problem = "Agents:GatewayUrl and Agents:RegistryKey (or Agents:ApiKey) are needed to read the registry; the tool bus has only platform tools.";
            return;
        }

        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
                await WatchAsync(stoppingToken);
                delay = TimeSpan.FromMilliseconds(250);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                Problem = $"The registry could not be read: {ex.Message}";
                LogUnavailable(logger, ex.Message);
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        var list = await client.GetFromJsonAsync<RegistryInstanceList>("v1/registry/instances", NexusJson.Options, cancellationToken);
        _instances = [.. list?.Instances ?? []];
        Problem = null;
        Changed?.Invoke();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await client.GetAsync("v1/registry/watch", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var _ in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            await RefreshAsync(cancellationToken);
        }
    }

    private HttpClient CreateClient()
    {
        var client = clients.CreateClient(ClientName);
        client.BaseAddress = new Uri(options.Value.GatewayUrl!.TrimEnd('/') + "/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.RegistryKeyOrApiKey);
        return client;
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "The gateway's registry is unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
