using System.Net;
using System.Text.RegularExpressions;
using Nexus.Testing;
using Nexus.Ui.Tests.Browser;

namespace Nexus.Ui.Tests.Account;

/// <summary>
/// A person signed in at one UI process stays signed in at another that shares the key ring, as behind a load balancer
/// over replicas or after the pod is replaced: through a folder on a volume, and through Redis.
/// </summary>
public sealed partial class SharedKeyRingTests
{
    [Fact]
    public async Task SignInCookie_FromOneProcess_IsAcceptedByAnotherSharingTheKeyFolder()
    {
        var keys = Directory.CreateTempSubdirectory("nexus-ui-keys-");
        try
        {
            await AssertCookieCrossesAsync("--Nexus:Ui:DataProtectionKeysPath", keys.FullName);
            Directory.GetFiles(keys.FullName, "key-*.xml").ShouldNotBeEmpty();
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SignInCookie_FromOneProcess_IsAcceptedByAnotherSharingRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        await AssertCookieCrossesAsync("--ConnectionStrings:redis", redis.ConnectionString);
    }

    private static async Task AssertCookieCrossesAsync(params string[] keyRing)
    {
        await using var gateway = await UiSystem.StartGatewayAsync("http://127.0.0.1:9/");
        var gatewayUrl = TestWebHost.BaseAddress(gateway).ToString().TrimEnd('/');
        await using var first = await UiServer.StartAsync(gatewayUrl, UiSystem.RegistrationToken, keyRing);
        await using var second = await UiServer.StartAsync(gatewayUrl, UiSystem.RegistrationToken, keyRing);

        // One cookie jar for both: cookies do not depend on the port, as a browser sees one site behind a load balancer.
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        (await browser.GetAsync(second.Url + "/")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "not signed in yet");

        var page = await browser.GetStringAsync(first.Url + "/signin");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        token.ShouldNotBeEmpty();
        using var signIn = await browser.PostAsync(first.Url + "/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = UiSystem.AdminKey,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        handler.CookieContainer.GetCookies(new Uri(first.Url))["nexus-ui"].ShouldNotBeNull("signed in at the first process");

        using var catalog = await browser.GetAsync(second.Url + "/");
        catalog.StatusCode.ShouldBe(HttpStatusCode.OK, "the second process reads the first one's cookie");
        (await browser.GetStringAsync(second.Url + "/signin")).ShouldContain("Signed in with");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
