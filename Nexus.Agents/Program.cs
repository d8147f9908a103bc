var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAgentsService();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapAgentsApi();

app.Run();
