var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNexusRegistry();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRegistryApi();

app.Run();

/// <summary>Entry point, public so functional tests can host the gateway.</summary>
public partial class Program;
