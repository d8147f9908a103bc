using System.Net;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Files;

/// <summary>
/// Which URLs of an images answer become the gateway's links: the instance's own file URLs, whatever host the
/// service wrote into them; a URL of another host (a CDN's) is the client's to fetch and stays as it is.
/// </summary>
public sealed class ImageLinkTests
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    [Fact]
    public async Task Generate_UrlsOfTheInstancesFiles_BecomeGatewayLinksThatDownload()
    {
        await using var upstream = await ScriptedUpstream.StartAsync(async context =>
        {
            if (context.Request.Path == "/v1/images/files/abc.png")
            {
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(Png);
                return;
            }

            if (context.Request.Path.StartsWithSegments("/v1/images/files"))
            {
                context.Response.StatusCode = 404;
                return;
            }

            var self = $"http://{context.Request.Host}";
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["created"] = 1,
                ["data"] = new JsonArray(
                    new JsonObject { ["url"] = $"{self}/v1/images/files/abc.png", ["revised_prompt"] = "a fox" },
                    new JsonObject { ["url"] = "https://cdn.example.com/v1/images/files/abc.png" },
                    new JsonObject { ["url"] = $"{self}/v1/images/files/gone.png" }),
            });
        });
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Models:painter:0:Url"] = upstream.BaseAddress.ToString() });
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/images/generations", new { model = "painter", prompt = "a fox", response_format = "url" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var data = (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsArray();
        var link = data[0]!["url"]!.GetValue<string>();
        link.ShouldStartWith(new Uri(gateway.BaseAddress, "v1/images/files/").ToString());
        link.ShouldNotContain(upstream.BaseAddress.Authority);
        data[0]!["revised_prompt"]!.GetValue<string>().ShouldBe("a fox");
        data[1]!["url"]!.GetValue<string>().ShouldBe("https://cdn.example.com/v1/images/files/abc.png");
        (await gateway.Http.GetByteArrayAsync(link)).ShouldBe(Png);
        using var gone = await gateway.Http.GetAsync(data[2]!["url"]!.GetValue<string>());
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await gone.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>().ShouldBe("image_not_found");
    }
}
