var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSpeechService();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSpeechApi();

app.Run();
