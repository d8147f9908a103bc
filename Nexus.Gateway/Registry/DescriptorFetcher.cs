using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Gateway.Security;

namespace Nexus.Gateway.Registry;

/// <summary>Fetches an instance's descriptor from its <c>/v1/metadata</c>, within the probe timeout and the descriptor size limit.</summary>
internal sealed class DescriptorFetcher(IHttpClientFactory clients, RegistrationValidator validator, IOptions<RegistryOptions> options)
{
    public const string HttpClientName = "Nexus.Registry.Instances";

    /// <summary>The descriptor, or why it could not be had.</summary>
    public async Task<(NexusServiceDescriptor? Descriptor, string? Error)> FetchAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var url = RelativeEndpoint.Resolve(new Uri(record.BaseUrl), ContractPaths.Metadata);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Health.ProbeTimeout);
        try
        {
            using var http = clients.CreateClient(HttpClientName);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode) return (null, $"{url} answered {(int)response.StatusCode}");

            var body = await BoundedBody.ReadAsync(await response.Content.ReadAsStreamAsync(timeout.Token), options.Value.MaxDescriptorBytes, timeout.Token);
            if (body is null) return (null, $"{url} is larger than {options.Value.MaxDescriptorBytes} bytes");

            var (descriptor, errors) = validator.ParseDescriptor(body);
            if (descriptor is null) return (null, $"{url} returned an invalid descriptor: {string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))}");
            return string.Equals(descriptor.InstanceId, record.InstanceId, StringComparison.Ordinal)
                ? (descriptor, null)
                : (null, $"{url} now describes instance '{descriptor.InstanceId}', not '{record.InstanceId}'");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"{url}: {ex.Message}");
        }
    }
}
