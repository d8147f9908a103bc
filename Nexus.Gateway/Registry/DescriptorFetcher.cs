using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nexus.Contract;

namespace Nexus.Gateway.Registry;

/// <summary>Fetches an instance's descriptor from its <c>/v1/metadata</c>, within the probe timeout and the descriptor size limit.</summary>
internal sealed class DescriptorFetcher(IHttpClientFactory clients, RegistrationValidator validator, IOptions<RegistryOptions> options)
{
    public const string HttpClientName = "Nexus.Registry.Instances";

    /// <summary>The descriptor, or why it could not be had.</summary>
    public async Task<(NexusServiceDescriptor? Descriptor, string? Error)> FetchAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(record.BaseUrl.TrimEnd('/') + "/"), ContractPaths.Metadata.TrimStart('/'));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Health.ProbeTimeout);
        try
        {
            using var http = clients.CreateClient(HttpClientName);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode) return (null, $"{url} answered {(int)response.StatusCode}");

            var body = await BoundedBody.ReadAsync(await response.Content.ReadAsStreamAsync(timeout.Token), options.Value.MaxDescriptorBytes, timeout.Token);
            if (body is null) return (null, $"{url} is larger than {options.Value.MaxDescriptorBytes} bytes");

            var node = JsonNode.Parse(body);
            if (node is null) return (null, $"{url} returned no descriptor");
            var (descriptor, errors) = validator.ValidateDescriptor(node);
            if (descriptor is null) return (null, $"{url} returned an invalid descriptor: {string.Join("; ", errors)}");
            return string.Equals(descriptor.InstanceId, record.InstanceId, StringComparison.Ordinal)
                ? (descriptor, null)
                : (null, $"{url} now describes instance '{descriptor.InstanceId}', not '{record.InstanceId}'");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"{url}: {ex.Message}");
        }
    }
}
