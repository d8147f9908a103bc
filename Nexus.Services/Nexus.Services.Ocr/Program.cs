var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOcrService();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOcrApi();

app.Run();
