var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddKnowledgeService();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapKnowledgeApi();

app.Run();
