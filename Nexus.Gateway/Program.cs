var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// The registry first: forwarding falls back to static routes only when no registry is registered.
builder.AddNexusRegistry();
builder.AddGatewayForwarding();
builder.AddGatewayKeys();
builder.AddGatewayLimits();
builder.AddGatewayUsage();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRegistryApi().RequireAdminKey(); // reading the registry is for operators; writing takes registration credentials
app.MapGatewayApi();

app.Run();

/// <summary>Entry point, public so functional tests can host the gateway.</summary>
public partial class Program;
