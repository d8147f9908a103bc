var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNexusUi();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapNexusUi();

app.Run();
