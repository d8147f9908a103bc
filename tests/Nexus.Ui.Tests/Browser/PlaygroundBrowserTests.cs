using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>The playground's speech, image and OCR tabs in Chromium against the real services behind the gateway.</summary>
[Collection(UiCollection.Name)]
public sealed class PlaygroundBrowserTests(UiSystem system)
{
    [SkippableFact]
    public async Task Speech_TextWithAVoice_PlaysWaveAudioFromEspeak()
    {
        TestPrograms.Require("espeak-ng");
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("playground?tab=speech");

        await page.SelectOptionAsync("#tts-voice", "nova");
        await page.FillAsync("#tts-input", "The playground speaks.");
        await page.ClickAsync("fluent-button[type=submit]:has-text('Speak')");

        var audio = page.Locator("#tts-audio");
        await audio.WaitForAsync();
        (await audio.GetAttributeAsync("src"))!.ShouldStartWith("data:audio/wav");
        // The browser decodes it: a duration means playable audio, not just an element.
        await page.WaitForFunctionAsync("() => document.querySelector('#tts-audio').duration > 0.3");
        await page.ScreenshotAsync("playground-speech");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Image_Prompt_TheGalleryShowsTheBackendsImage()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("playground?tab=images");
        var before = system.Automatic1111.Generations;

        await page.FillAsync("#img-prompt", "a lighthouse at dusk");
        await page.FillAsync("#img-model", "sdxl_base");
        await page.ClickAsync("fluent-button[type=submit]:has-text('Generate')");

        var image = page.Locator("#gallery img[alt='a lighthouse at dusk']");
        await image.WaitForAsync();
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#gallery img')].some(i => i.complete && i.naturalWidth > 0)");
        system.Automatic1111.Generations.ShouldBeGreaterThan(before);
        await page.ScreenshotAsync("playground-images");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Ocr_UploadedImage_TextAndAWordBoxOverEachWord()
    {
        TestPrograms.Require("tesseract");
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("playground?tab=ocr");

        await page.SetInputFilesAsync("#ocr-file", Path.Combine(AppContext.BaseDirectory, "Fixtures", "two-lines.png"));
        await page.ClickAsync("fluent-button[type=submit]:has-text('Read text'):not([disabled])");

        (await page.Locator("#ocr-text").InnerTextAsync()).ShouldBe("Nexus reads this text\nSecond line 42");
        // Seven words, seven boxes over the image, the first one over "Nexus".
        (await page.Locator(".ocr .box").CountAsync()).ShouldBe(7);
        (await page.Locator(".ocr .box").First.GetAttributeAsync("title"))!.ShouldStartWith("Nexus");
        await page.ScreenshotAsync("playground-ocr");
        await page.Context.CloseAsync();
    }
}
