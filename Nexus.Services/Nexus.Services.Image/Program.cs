var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddImageService();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapImageApi();

app.Run();
