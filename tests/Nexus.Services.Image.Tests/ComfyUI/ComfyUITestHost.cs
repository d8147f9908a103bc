using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Image.Tests.ComfyUI;

/// <summary>The image service pointed at a fake ComfyUI, polling fast so the fake's pending polls pass quickly.</summary>
internal static class ComfyUITestHost
{
    public static Task<TestService> StartAsync(FakeComfyUI comfy, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Image:ComfyUIUrl"] = comfy.Url,
            ["Image:PollInterval"] = "00:00:00.010",
            ["Image:ProceduralDev"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return ImageHost.StartAsync(all);
    }

    public static async Task<(HttpResponseMessage Response, JsonNode? Body)> GenerateAsync(this TestService service, object request, CancellationToken cancellationToken = default)
    {
        var response = await service.Http.PostAsJsonAsync("v1/images/generations", request, cancellationToken);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)));
    }

    public static JsonObject Node(this JsonObject graph, string classType) =>
        graph.Select(n => n.Value!.AsObject()).First(n => n["class_type"]!.GetValue<string>() == classType)["inputs"]!.AsObject();
}
