using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>Usage over time, a series per key and model: the tenant's own, and every tenant's for the admin.</summary>
[Collection(UiCollection.Name)]
public sealed class UsageBrowserTests(UiSystem system)
{
    [SkippableFact]
    public async Task UsageOverTime_AfterAChat_TheTenantAndTheAdminSeeItsKeyAndModel()
    {
        var key = await system.CreateTenantKeyAsync("usage-tenant");
        using var tenant = new HttpClient { BaseAddress = new Uri(system.GatewayUrl + "/") };
        tenant.DefaultRequestHeaders.Authorization = new("Bearer", key);
        using var chat = await tenant.PostAsJsonAsync("v1/chat/completions", new { model = UiSystem.ChatModel, messages = new[] { new { role = "user", content = "Count me." } } });
        chat.EnsureSuccessStatusCode();
        // The gateway writes usage in batches: wait until it is there.
        await Eventually.WaitAsync(() => tenant.GetStringAsync("v1/usage"), usage => usage.Contains(UiSystem.ChatModel, StringComparison.Ordinal), "the chat in the tenant's usage", TimeSpan.FromSeconds(30));

        var page = await system.NewPageAsync();
        await page.SignInAsync(key);
        await page.OpenAsync("usage");
        await page.WaitForSelectorAsync("#usage-over-time rect");
        var legend = await page.Locator("#usage-over-time .legend").InnerTextAsync();
        legend.ShouldContain(UiSystem.ChatModel);
        (await page.Locator("#usage-chart").InnerTextAsync()).ShouldContain("1 req");
        await page.ScreenshotAsync("usage-tenant");

        await page.SignInAsync(UiSystem.AdminKey);
        await page.OpenAsync("admin/usage");
        await page.WaitForSelectorAsync("#usage-over-time rect");
        (await page.Locator("#usage-over-time .legend").InnerTextAsync()).ShouldContain($"usage-tenant · ");
        await page.ScreenshotAsync("usage-admin");
        await page.Context.CloseAsync();
    }
}
