using System.Net;
using Yarp.ReverseProxy.Forwarder;

// Forwards everything to the upstream given as Upstream (configuration or environment), as YARP's direct-forwarding sample does.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddHttpForwarder();
var app = builder.Build();

var upstream = app.Configuration["Upstream"] ?? throw new InvalidOperationException("Set Upstream to the upstream's base URL.");
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
});
app.MapForwarder("/{**catch-all}", upstream, ForwarderRequestConfig.Empty, HttpTransformer.Default, invoker);

app.Run();
