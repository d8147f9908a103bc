using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Gateway.Registry.Etcd;

namespace Nexus.Gateway.Registry.Api;

/// <summary>Handler dependencies of the registry API.</summary>
internal sealed record RegistryServices(
    Registrar Registrar,
    RegistrationToken Token,
    RegistrationValidator Validator,
    IOptions<RegistryOptions> Options,
    ILogger<RegistrationToken> Logger);

/// <summary>
/// <c>/v1/registry</c>: the registration protocol of the service contract (register, renew, deregister) and the
/// read side (list, get, watch) for the UI, the agents and operators.
/// </summary>
public static partial class RegistryApi
{
    /// <summary>Maps the registry API; returns the group of read endpoints.</summary>
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Resolve the token now so a generated one is logged at start, not at the first registration.
        _ = endpoints.ServiceProvider.GetRequiredService<RegistrationToken>();

        var writes = endpoints.MapGroup("/v1/registry/instances").WithTags("Registry").ExcludeFromDescription();
        writes.MapPost("/", Register).WithSummary("Registers an instance (Bearer registration token).");
        writes.MapPut("/{instanceId}/lease", Renew).WithSummary("Renews an instance's lease (Bearer instance secret).");
        writes.MapDelete("/{instanceId}", Deregister).WithSummary("Deregisters an instance (Bearer instance secret).");

        var reads = endpoints.MapGroup("/v1/registry").WithTags("Registry");
        reads.MapGet("/instances", List).WithSummary("Lists instances, filtered by service, kind, model, state and label=key=value.");
        reads.MapGet("/instances/{instanceId}", Get).WithSummary("One instance with its descriptor.");
        reads.MapGet("/watch", Watch).WithSummary("Server-sent events: the current instances as 'added', then every change in order.");
        return reads;
    }

    internal static async Task<Results<Created<RegisterInstanceResponse>, ValidationProblem, ProblemHttpResult>> Register(
        HttpContext context, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        // A wrong token's 401 is counted by the gateway's failed-authentication throttle (Keys/AuthThrottle.cs).
        if (!services.Token.Accepts(InstanceSecrets.Bearer(context.Request.Headers.Authorization)))
        {
            return Unauthorized(context, "A valid registration token is required (Authorization: Bearer <token>).");
        }

        var limit = services.Options.Value.MaxDescriptorBytes;
        var body = context.Request.ContentLength > limit ? null : await BoundedBody.ReadAsync(context.Request.Body, limit, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem($"The registration is larger than the registry accepts (at most {limit} bytes).", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Registration too large");
        }

        var (request, errors) = await services.Validator.ValidateAsync(body, cancellationToken);
        if (request is null) return TypedResults.ValidationProblem(errors, title: "Invalid registration");

        try
        {
            var response = await services.Registrar.RegisterAsync(request, cancellationToken);
            return TypedResults.Created(ContractPaths.RegistryInstance(response.InstanceId), response);
        }
        catch (Exception ex) when (ex is EtcdException or HttpRequestException)
        {
            return Unavailable(services.Logger, ex);
        }
    }

    internal static async Task<Results<Ok<RenewLeaseResponse>, ValidationProblem, ProblemHttpResult>> Renew(
        string instanceId, HttpContext context, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (InstanceSecrets.Bearer(context.Request.Headers.Authorization) is not { } secret)
        {
            return Unauthorized(context, "The instance secret from the registration is required (Authorization: Bearer <secret>).");
        }

        RenewLeaseRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<RenewLeaseRequest>(NexusJson.Options, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"Expected JSON {{\"version\", \"descriptorHash\"}}: {ex.Message}"] }, title: "Invalid renewal");
        }

        if (request is null || string.IsNullOrEmpty(request.Version) || string.IsNullOrEmpty(request.DescriptorHash))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["'version' and 'descriptorHash' are required."] }, title: "Invalid renewal");
        }

        try
        {
            var (access, response, refusal) = await services.Registrar.RenewAsync(instanceId, secret, request, cancellationToken);
            return access switch
            {
                InstanceAccess.Done => TypedResults.Ok(response),
                InstanceAccess.WrongSecret => Forbidden(instanceId),
                InstanceAccess.Refused => TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["baseUrl"] = [$"{refusal} The registration was removed."] }, title: "Base URL no longer allowed"),
                _ => NotFound(instanceId),
            };
        }
        catch (Exception ex) when (ex is EtcdException or HttpRequestException)
        {
            return Unavailable(services.Logger, ex);
        }
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Deregister(
        string instanceId, HttpContext context, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (InstanceSecrets.Bearer(context.Request.Headers.Authorization) is not { } secret)
        {
            return Unauthorized(context, "The instance secret from the registration is required (Authorization: Bearer <secret>).");
        }

        try
        {
            return await services.Registrar.DeregisterAsync(instanceId, secret, cancellationToken) switch
            {
                InstanceAccess.Done => TypedResults.NoContent(),
                InstanceAccess.WrongSecret => Forbidden(instanceId),
                _ => NotFound(instanceId),
            };
        }
        catch (Exception ex) when (ex is EtcdException or HttpRequestException)
        {
            return Unavailable(services.Logger, ex);
        }
    }

    internal static Results<Ok<InstanceList>, ValidationProblem> List(HttpRequest request, IServiceRegistry registry)
    {
        var (filter, errors) = InstanceFilter.Parse(request.Query);
        if (filter is null) return TypedResults.ValidationProblem(errors, title: "Invalid filter");
        return TypedResults.Ok(new InstanceList([.. registry.Snapshot().Where(filter.Matches).Select(InstanceView.From)]));
    }

    internal static Results<Ok<InstanceView>, ProblemHttpResult> Get(string instanceId, IServiceRegistry registry) =>
        registry.Find(instanceId) is { } instance ? TypedResults.Ok(InstanceView.From(instance)) : NotFound(instanceId);

    internal static ServerSentEventsResult<string> Watch(IServiceRegistry registry, IHostApplicationLifetime lifetime, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(Events(registry, lifetime.ApplicationStopping, cancellationToken));

    private static async IAsyncEnumerable<SseItem<string>> Events(IServiceRegistry registry, CancellationToken stopping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // End the stream when the gateway stops, or an open watch would hold shutdown for its whole timeout.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        var changes = registry.WatchAsync(linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await changes.MoveNextAsync();
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    more = false;
                }

                if (!more) break;
                var change = changes.Current;
                var data = JsonSerializer.Serialize(InstanceView.From(change.Instance), NexusJson.Options);
                yield return new SseItem<string>(data, change.Kind.ToString().ToLowerInvariant()) { EventId = change.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }
        finally
        {
            await changes.DisposeAsync();
        }
    }

    private static ProblemHttpResult Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
    }

    private static ProblemHttpResult Forbidden(string instanceId) =>
        TypedResults.Problem($"The secret does not belong to instance '{instanceId}'; an instance may change only its own registration.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    private static ProblemHttpResult NotFound(string instanceId) =>
        TypedResults.Problem($"The registry does not know instance '{instanceId}' (never registered, deregistered or lease expired).", statusCode: StatusCodes.Status404NotFound, title: "Unknown instance");

    private static ProblemHttpResult Unavailable(ILogger logger, Exception ex)
    {
        LogBackendUnavailable(logger, ex.Message);
        return TypedResults.Problem("The registry's backend is unavailable; retry shortly.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Registry unavailable");
    }

    [LoggerMessage(EventId = 4050, Level = LogLevel.Warning, Message = "A registry request failed because the backend is unavailable: {Reason}")]
    private static partial void LogBackendUnavailable(ILogger logger, string reason);
}
