using Microsoft.Playwright;

namespace Nexus.Ui.Tests.Browser;

/// <summary>What every browser test does: sign in, open a page once it is interactive, keep a screenshot.</summary>
internal static class PageExtensions
{
    /// <summary>Opens a page and waits until its circuit is live (the layout marks the body once it is interactive).</summary>
    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("body[data-interactive]");
    }

    public static async Task SignInAsync(this IPage page, string key)
    {
        await page.GotoAsync("signin");
        await page.FillAsync("#key", key);
        await page.ClickAsync("form.signin-form button[type=submit]");
        // Signed in once the browser has left the sign-in page; the next page's own load is the caller's to wait for
        // (waiting for its load event here has timed out on a busy machine after the sign-in had succeeded).
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
    }

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(UiSystem.Screenshots, name + ".png"), FullPage = true });
}
