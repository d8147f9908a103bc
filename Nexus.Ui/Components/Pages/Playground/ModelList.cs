using Nexus.Ui.Gateway;

namespace Nexus.Ui.Components.Pages.Playground;

/// <summary>The model ids the key may use, from the gateway's <c>/v1/models</c>.</summary>
internal static class ModelList
{
    public static async Task<(IReadOnlyList<string> Models, string? Problem)> LoadAsync(GatewayClient gateway, string key)
    {
        try
        {
            var list = await gateway.GetJsonAsync("v1/models", key, CancellationToken.None);
            return (list?["data"]?.AsArray().Select(m => m?["id"]?.ToString()).OfType<string>().ToList() ?? [], null);
        }
        catch (Exception ex) when (ex is GatewayException or HttpRequestException)
        {
            return ([], $"The models could not be listed: {ex.Message}");
        }
    }
}
