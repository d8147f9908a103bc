using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Registration;

/// <summary>The client side of the registration protocol (docs/service-contract.md): register, renew, deregister.</summary>
public sealed class RegistrationClient(HttpClient http)
{
    /// <summary>Registers the instance; throws <see cref="RegistrationException"/> with the registry's reason on refusal.</summary>
    public async Task<RegisterInstanceResponse> RegisterAsync(Uri registry, string? token, RegisterInstanceRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(registry, ContractPaths.RegistryInstances))
        {
            Content = JsonContent.Create(request, options: NexusJson.Options),
        };
        if (token is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await http.SendAsync(message, cancellationToken);
        await EnsureSuccessAsync(response, "register", cancellationToken);
        return await response.Content.ReadFromJsonAsync<RegisterInstanceResponse>(NexusJson.Options, cancellationToken)
            ?? throw new RegistrationException(response.StatusCode, "The registry answered a registration with an empty body.");
    }

    /// <summary>Renews the lease; returns <c>null</c> when the registry no longer knows the instance (register again).</summary>
    public async Task<RenewLeaseResponse?> RenewAsync(Uri registry, RegisterInstanceResponse registration, RenewLeaseRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Put, new Uri(registry, ContractPaths.RegistryLease(registration.InstanceId)))
        {
            Content = JsonContent.Create(request, options: NexusJson.Options),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", registration.InstanceSecret);

        using var response = await http.SendAsync(message, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, "renew", cancellationToken);
        return await response.Content.ReadFromJsonAsync<RenewLeaseResponse>(NexusJson.Options, cancellationToken);
    }

    /// <summary>Removes the instance; a registry that has already forgotten it (404) counts as done.</summary>
    public async Task DeregisterAsync(Uri registry, RegisterInstanceResponse registration, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Delete, new Uri(registry, ContractPaths.RegistryInstance(registration.InstanceId)));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", registration.InstanceSecret);

        using var response = await http.SendAsync(message, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound) await EnsureSuccessAsync(response, "deregister", cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string action, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var reason = body.Length > 500 ? body[..500] : body;
        throw new RegistrationException(response.StatusCode, $"The registry refused to {action} ({(int)response.StatusCode}): {reason}");
    }
}

/// <summary>The registry answered, but not with success.</summary>
public sealed class RegistrationException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
