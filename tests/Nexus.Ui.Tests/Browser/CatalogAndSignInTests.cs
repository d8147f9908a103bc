namespace Nexus.Ui.Tests.Browser;

/// <summary>The tenant's catalog from the gateway's <c>GET /v1/services</c>, and sign-in's own throttle.</summary>
[Collection(UiCollection.Name)]
public sealed class CatalogAndSignInTests(UiSystem system)
{
    [SkippableFact]
    public async Task Catalog_TenantKey_ShowsTheServicesItMayUseWithStateFunctionsAndModels()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("");

        await page.WaitForSelectorAsync("[data-service=speech] .state-ready");
        var speech = await page.Locator("[data-service=speech]").InnerTextAsync();
        speech.ShouldContain("speak");
        speech.ShouldContain("tts-1");
        (await page.Locator("[data-service=image]").InnerTextAsync()).ShouldContain("sdxl_base");
        (await page.Locator("[data-service=agents]").InnerTextAsync()).ShouldContain("agent:helper");
        await page.ScreenshotAsync("catalog-tenant-services");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task SignIn_TooManyWrongKeysFromOneBrowser_RefusedByTheUiBeforeTheGatewayCountsThem()
    {
        var typist = await system.NewPageAsync(browserAddress: "203.0.113.21");
        var colleague = await system.NewPageAsync(browserAddress: "203.0.113.22");
        var page = typist;
        for (var i = 0; i < UiServer.SignInFailuresPerMinute; i++)
        {
            await page.GotoAsync("signin");
            await page.FillAsync("#key", $"nx-typo-{i}");
            await page.ClickAsync("form.signin-form button[type=submit]");
            (await page.Locator("#signin-error").InnerTextAsync()).ShouldContain("does not accept this key");
        }

        await page.FillAsync("#key", "nx-one-more-typo");
        await page.ClickAsync("form.signin-form button[type=submit]");

        // The UI's own refusal (the gateway's limit is far higher), and only for this browser: a colleague signs in.
        (await page.Locator("#signin-error").InnerTextAsync()).ShouldContain("Too many wrong keys were typed from this browser");
        await page.ScreenshotAsync("signin-throttled");
        await colleague.SignInAsync(system.TenantKey);
        colleague.Url.ShouldNotContain("/signin");
        await page.Context.CloseAsync();
        await colleague.Context.CloseAsync();
    }
}
