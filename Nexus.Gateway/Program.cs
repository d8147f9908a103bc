var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNexusGateway();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapNexusGateway();

app.Run();

/// <summary>Entry point, public so functional tests can host the gateway.</summary>
public partial class Program;
