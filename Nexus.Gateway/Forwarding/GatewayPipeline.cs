using Nexus.Gateway.Forwarding.Steps;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// The request path as ordered steps over one <see cref="GatewayRequestFeature"/>, in the shape of YARP's proxy
/// pipeline. Order matters: each step relies on what the steps before it set, and steps that act once the answer is
/// complete (canary, limits, metering, the record) do so after the steps inside them return.
/// </summary>
internal static class GatewayPipeline
{
    public static RequestDelegate Build(IEndpointRouteBuilder endpoints)
    {
        var app = endpoints.CreateApplicationBuilder();
        app.UseMiddleware<RecordStep>();        // metrics and the audit record, whatever happened inside
        app.UseMiddleware<AuthenticateStep>();  // the key, or 401
        app.UseMiddleware<ReadRequestStep>();   // the body: model, stream, tokens to reserve, or 4xx
        app.UseMiddleware<AuthoriseStep>();     // scopes and the model allow-list, or 403
        app.UseMiddleware<ResolveRouteStep>();  // the instances for the model or service and the caller's labels, or 404/503
        app.UseMiddleware<CanaryStep>();        // a version split, and its outcome once forwarded
        app.UseMiddleware<ReserveLimitsStep>(); // rate limits and budgets reserved, or 429; reconciled afterwards
        app.UseMiddleware<ResponseCacheStep>(); // a cached answer for a deterministic request, where the policy asks for it
        app.UseMiddleware<MeterStep>();         // the tokens to bill, once the answer is complete
        app.Run(endpoints.ServiceProvider.GetRequiredService<ForwardStep>().InvokeAsync); // to an instance through YARP, with retries and passive health
        return app.Build();
    }
}
