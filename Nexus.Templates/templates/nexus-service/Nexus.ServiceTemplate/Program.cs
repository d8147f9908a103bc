using Nexus.ServiceTemplate.Apis;
using Nexus.ServiceTemplate.Health;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine");

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTextApi();

app.Run();

/// <summary>Entry point, public so the tests can host the service.</summary>
public partial class Program;
