var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayForwarding();
builder.AddGatewayKeys();
builder.AddGatewayLimits();
builder.AddGatewayUsage();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGatewayApi();

app.Run();

/// <summary>Entry point, public so functional tests can host the gateway.</summary>
public partial class Program;
