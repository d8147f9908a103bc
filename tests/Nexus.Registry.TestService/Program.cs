// Configured entirely by environment (Nexus__Registry__Url, Nexus__Registry__Token, ASPNETCORE_URLS, ...),
// as a service on another machine would be.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
