// The slim builder: the gateway needs neither IIS integration, HTTP/3, hosting-startup assemblies nor static web
// assets, and each would stay loaded for the life of the process. HTTPS endpoints from configuration still work.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();

builder.AddServiceDefaults();
builder.AddNexusGateway();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapNexusGateway();

app.Run();

/// <summary>Entry point, public so functional tests can host the gateway.</summary>
public partial class Program;
