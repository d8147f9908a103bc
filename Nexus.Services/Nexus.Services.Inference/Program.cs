var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddInferenceService();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapInferenceApi();

app.Run();
