using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Nexus.ServiceDefaults.Correlation;

namespace Nexus.ServiceDefaults;

/// <summary>Puts correlation and error handling at the very front of the pipeline, whatever the app adds itself.</summary>
internal sealed class NexusStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // Order matters: correlation first so every log, error and response carries the request id;
        // then exceptions and empty error statuses become problem details (or OpenAI envelopes).
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        next(app);
    };
}
