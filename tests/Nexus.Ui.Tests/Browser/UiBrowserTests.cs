using Microsoft.Playwright;
using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>The UI in Chromium against the real gateway and services: what a person signing in sees and can do.</summary>
[Collection(UiCollection.Name)]
public sealed class UiBrowserTests(UiSystem system)
{
    [SkippableFact]
    public async Task SignIn_AdminKey_CatalogShowsTheRegisteredServices()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(UiSystem.AdminKey);
        await page.WaitForSelectorAsync("[data-service=image] .state-ready");
        await page.WaitForSelectorAsync("[data-service=speech]");

        (await page.Locator("[data-service=image]").InnerTextAsync()).ShouldContain("sdxl_base");
        (await page.Locator("[data-service=speech]").InnerTextAsync()).ShouldContain("tts-1");
        await page.ScreenshotAsync("catalog");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task SignIn_WrongKey_SaysSoAndStaysSignedOut()
    {
        var page = await system.NewPageAsync();
        await page.GotoAsync("signin");
        await page.FillAsync("#key", "nx-not-a-key-anyone-issued");
        await page.ClickAsync("form.signin-form button[type=submit]");

        (await page.Locator("#signin-error").InnerTextAsync()).ShouldContain("does not accept this key");
        await page.ScreenshotAsync("signin-refused");
        await page.GotoAsync("");
        page.Url.ShouldContain("/signin");
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "nexus-ui");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task SpeechForm_GeneratedFromTheDescriptor_ReturnsPlayableAudio()
    {
        TestPrograms.Require("espeak-ng");
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("services/speech/functions/speak");

        (await page.InputValueAsync("#f-input")).ShouldBe("Hello from Nexus.");
        await page.FillAsync("#f-input", "The generated form speaks.");
        await page.ClickAsync("form.generated fluent-button:has-text('Send')");
        await page.WaitForSelectorAsync("#result-audio");

        var duration = await page.EvaluateAsync<double>("""
            () => new Promise((resolve, reject) => {
                const audio = document.querySelector('#result-audio');
                if (audio.readyState >= 1) resolve(audio.duration);
                audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
                audio.addEventListener('error', () => reject(new Error('the browser cannot decode the audio')));
            })
            """);
        duration.ShouldBeGreaterThan(0.5);
        (await page.Locator("a[download='speak.wav']").CountAsync()).ShouldBe(1);
        await page.ScreenshotAsync("function-speak");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task TranscribeForm_MultipartFunction_UploadsTheChosenFile()
    {
        TestPrograms.Require("espeak-ng");
        TestPrograms.Require("pocketsphinx_continuous");
        TestPrograms.Require("ffmpeg");
        var audio = Path.Combine(Path.GetTempPath(), $"nexus-ui-{Guid.NewGuid():N}.wav");
        using (var tenant = new HttpClient { BaseAddress = new Uri(system.GatewayUrl + "/") })
        {
            tenant.DefaultRequestHeaders.Authorization = new("Bearer", system.TenantKey);
            using var speech = await tenant.PostAsJsonAsync("v1/audio/speech", new { model = "tts-1", input = "hello world", voice = "alloy", response_format = "wav" });
            await File.WriteAllBytesAsync(audio, await speech.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync());
        }

        try
        {
            var page = await system.NewPageAsync();
            await page.SignInAsync(system.TenantKey);
            await page.OpenAsync("services/speech/functions/transcribe");
            await page.SetInputFilesAsync("#f-file", audio);
            await page.WaitForSelectorAsync("text=KiB");
            await page.FillAsync("#f-model", "pocketsphinx-en-us");
            await page.ClickAsync("form.generated fluent-button:has-text('Send')");
            await page.WaitForSelectorAsync("#result-json, #result-error", new() { Timeout = 60_000 });

            (await page.Locator("#result-error").CountAsync()).ShouldBe(0, await page.Locator(".result").InnerTextAsync());
            (await page.Locator("#result-json").InnerTextAsync()).ShouldContain("text");
            await page.ScreenshotAsync("function-transcribe");
            await page.Context.CloseAsync();
        }
        finally
        {
            File.Delete(audio);
        }
    }

    [SkippableFact]
    public async Task ImageForm_GeneratedFromTheDescriptor_ShowsTheImage()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("services/image/functions/generate-image");
        var before = system.Automatic1111.Generations;

        await page.FillAsync("#f-prompt", "a red fox");
        await page.FillAsync("#f-model", "sdxl_base");
        await page.FillAsync("#f-size", "512x512");
        await page.ClickAsync("form.generated fluent-button:has-text('Send')");
        await page.WaitForSelectorAsync("img.result-image");

        (await page.EvaluateAsync<int>("() => document.querySelector('img.result-image').naturalWidth")).ShouldBe(FakeAutomatic1111.Size);
        system.Automatic1111.Generations.ShouldBe(before + 1);
        await page.ScreenshotAsync("function-generate-image");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Form_InvalidField_IsRefusedAtTheFieldAndNothingIsSent()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("services/image/functions/generate-image");
        var before = system.Automatic1111.Generations;

        await page.FillAsync("#f-model", "sdxl_base");
        await page.FillAsync("#f-n", "two");
        await page.ClickAsync("form.generated fluent-button:has-text('Send')");

        (await page.Locator("#f-n-errors").InnerTextAsync()).ShouldContain("whole number");
        (await page.GetAttributeAsync("#f-n", "aria-invalid")).ShouldBe("true");
        (await page.Locator(".result").CountAsync()).ShouldBe(0);
        system.Automatic1111.Generations.ShouldBe(before);
        await page.ScreenshotAsync("function-invalid-field");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Chat_StreamedAnswer_ShowsSeveralUpdatesBeforeTheEnd()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("playground?tab=chat");
        await page.WaitForSelectorAsync($"#chat-model option[value='{UiSystem.ChatModel}']", new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#chat-model", UiSystem.ChatModel);

        // Record every text the streaming message shows, from inside the page, as the renderer changes it.
        await page.EvaluateAsync("""
            () => {
                window.__seen = [];
                new MutationObserver(() => {
                    const streaming = document.querySelector('#chat-streaming');
                    if (streaming) window.__seen.push(streaming.textContent);
                }).observe(document.querySelector('#chat-log'), { childList: true, subtree: true, characterData: true });
            }
            """);
        await page.FillAsync("#chat-input", "Say something.");
        await page.ClickAsync("form.panel fluent-button:has-text('Send')");
        try
        {
            await page.WaitForSelectorAsync("#chat-usage");
        }
        finally
        {
            await page.ScreenshotAsync("playground-chat");
        }


        var seen = (await page.EvaluateAsync<string[]>("() => window.__seen")).Distinct().ToList();
        var full = string.Concat(FakeOpenAI.Words);
        seen.Count(text => text.Length > "assistant".Length && !text.EndsWith(full, StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(3, string.Join(" | ", seen));
        (await page.Locator("#chat-log .message.assistant").Last.InnerTextAsync()).ShouldContain(full);
        (await page.Locator("#chat-usage").InnerTextAsync()).ShouldContain($"{FakeOpenAI.Words.Length} completion");
        await page.ScreenshotAsync("playground-chat");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Admin_CreatesAKey_ShowsItOnceOnly()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(UiSystem.AdminKey);
        await page.OpenAsync("admin/tenants");
        var tenant = "acme-" + Guid.NewGuid().ToString("N")[..6];

        await page.FillAsync("#tenant-name", tenant);
        await page.ClickAsync("form[aria-label='New tenant'] button[type=submit]");
        var card = page.Locator($"[data-tenant='{tenant}']");
        await card.WaitForAsync();
        await card.Locator("input[id^=key-name]").FillAsync("laptop");
        await card.Locator("button:has-text('Create key')").ClickAsync();
        var key = await page.Locator("#new-key-value").InnerTextAsync();
        await page.ScreenshotAsync("admin-new-key");

        key.ShouldStartWith("nx-");
        (await system.Admin.GetStringAsync("v1/registry/instances")).ShouldNotBeNull();
        await page.ReloadAsync();
        await page.WaitForSelectorAsync($"[data-tenant='{tenant}'] [data-key=laptop]");
        (await page.ContentAsync()).ShouldNotContain(key);
        (await card.Locator("[data-key=laptop]").InnerTextAsync()).ShouldContain(key[..8]);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task TenantKey_SeesNoAdminPage_AndSigningOutForgetsIt()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("");

        (await page.Locator("nav.sidenav a[href='admin/tenants']").CountAsync()).ShouldBe(0);
        await page.ScreenshotAsync("catalog-tenant");
        await page.GotoAsync("admin/tenants");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("needs the admin key");
        (await page.Locator("#tenant-name").CountAsync()).ShouldBe(0);
        await page.ScreenshotAsync("admin-refused-for-tenant");

        await page.ClickAsync("header form[action='account/signout'] fluent-button");
        await page.WaitForURLAsync(url => url.Contains("/signin", StringComparison.Ordinal));
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "nexus-ui");
        await page.GotoAsync("playground");
        page.Url.ShouldContain("/signin");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Catalog_ServiceRegistersThenLeaves_AppearsAndTurnsRedWithoutReload()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(UiSystem.AdminKey);
        await page.OpenAsync("");
        await page.WaitForSelectorAsync("[data-service=image]");
        await page.EvaluateAsync("() => window.__sameDocument = true");

        var latecomer = await system.StartServiceAsync("Nexus.Services.Speech", "latecomer", b => b.AddSpeechService(), a => a.MapSpeechApi(), new() { ["Nexus:Kind"] = "custom", ["Nexus:Description"] = "A service that registers while the catalog is open." });
        try
        {
            await page.WaitForSelectorAsync("[data-service=latecomer] .state-ready", new() { Timeout = 30_000 });
            await page.ScreenshotAsync("catalog-latecomer");
        }
        finally
        {
            await latecomer.DisposeAsync();
        }

        await page.WaitForSelectorAsync("[data-service=latecomer] .state-gone", new() { Timeout = 30_000 });
        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).ShouldBeTrue();
        await page.ScreenshotAsync("catalog-latecomer-gone");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task EveryPage_RendersWithoutError_ScreenshotsForReview()
    {
        var page = await system.NewPageAsync();
        var failures = new List<string>();
        page.PageError += (_, error) => failures.Add(error);
        await page.GotoAsync("signin");
        await page.ScreenshotAsync("signin");
        await page.SignInAsync(UiSystem.AdminKey);
        await page.SignInAsync(system.TenantKey);

        string[] pages = ["", "services/speech", "services/image", "services/speech/functions/transcribe", "services/speech/functions/list-voices",
            "playground?tab=chat", "playground?tab=speech", "playground?tab=images", "playground?tab=ocr", "playground?tab=transcription",
            "agents", "admin/tenants", "admin/routes", "admin/usage", "admin/audit", "monitoring"];
        foreach (var path in pages)
        {
            await page.OpenAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            (await page.Locator("#blazor-error-ui").IsVisibleAsync()).ShouldBeFalse($"{path} hit an error");
            if (path == "agents") await page.WaitForSelectorAsync("#agents-list [data-agent=helper]");
            await page.ScreenshotAsync("page-" + (path.Length == 0 ? "catalog" : path.Replace('/', '-').Replace('?', '-').Replace('=', '-')));
        }

        await page.OpenAsync("");
        await page.ClickAsync("fluent-button:has-text('Theme')");
        await page.WaitForSelectorAsync("body[data-theme=dark]", new() { State = WaitForSelectorState.Attached });
        await page.ScreenshotAsync("catalog-dark");
        await page.SetViewportSizeAsync(820, 900);
        await page.ScreenshotAsync("catalog-narrow");
        failures.ShouldBeEmpty();
        await page.Context.CloseAsync();
    }
}
