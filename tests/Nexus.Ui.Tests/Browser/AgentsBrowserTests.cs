namespace Nexus.Ui.Tests.Browser;

/// <summary>The agents pages in Chromium against the real agents service behind the real gateway.</summary>
[Collection(UiCollection.Name)]
public sealed class AgentsBrowserTests(UiSystem system)
{
    private static async Task<string> StartRunAsync(Microsoft.Playwright.IPage page, string agent, string task)
    {
        await page.OpenAsync("agents");
        await page.WaitForSelectorAsync($"#agents-list [data-agent={agent}]");
        await page.SelectOptionAsync("#run-agent", agent);
        await page.FillAsync("#run-input", task);
        await page.ClickAsync("#start-run fluent-button[type=submit]");
        await page.WaitForURLAsync(url => url.Contains("/agents/runs/", StringComparison.Ordinal));
        await page.WaitForSelectorAsync("body[data-interactive]");
        return page.Url[(page.Url.LastIndexOf('/') + 1)..];
    }

    [SkippableFact]
    public async Task StartRun_AgentWithBothPartners_TranscriptShowsThePrimaryTheAdversaryAndTheSupplicantSideBySide()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await page.OpenAsync("agents");
        await page.ScreenshotAsync("agents");
        await page.WaitForSelectorAsync("#agents-list [data-agent=careful]");
        (await page.Locator("#agents-list [data-agent=helper]").InnerTextAsync()).ShouldContain("Adversary, Supplicant");

        await StartRunAsync(page, "helper", "Say hello.");
        await page.WaitForSelectorAsync("#run-state[data-state=completed]", new() { Timeout = 60_000 });

        (await page.Locator("#lane-primary").InnerTextAsync()).ShouldContain(string.Concat(FakeOpenAI.Words));
        (await page.Locator("#lane-primary").InnerTextAsync()).ShouldContain("answers the Supplicant");
        (await page.Locator("#lane-supplicant").InnerTextAsync()).ShouldContain(FakeOpenAI.Note);
        var adversary = await page.Locator("#lane-adversary").InnerTextAsync();
        adversary.ShouldContain("revise");
        adversary.ShouldContain(FakeOpenAI.Finding);
        adversary.ShouldContain("not approved within the rounds");
        (await page.Locator("#run-output").InnerTextAsync()).ShouldNotBeNullOrWhiteSpace();
        await page.ScreenshotAsync("agents-run-transcript");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task StartRun_ToolNeedingApproval_WaitsWithTheToolAndItsArgumentsOnTheRunAndTheAgentsPage()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        var run = await StartRunAsync(page, "careful", "Which services are there? [call:platform__list_services]");

        await page.WaitForSelectorAsync("#run-state[data-state=waiting_for_approval]", new() { Timeout = 60_000 });
        (await page.Locator("#run-approvals .approval-tool").InnerTextAsync()).ShouldBe("platform.list_services");
        (await page.Locator("#run-approvals .approval-arguments").InnerTextAsync()).ShouldContain("{");
        (await page.Locator("#lane-primary").InnerTextAsync()).ShouldContain("waits for approval");
        await page.ScreenshotAsync("agents-run-waiting");

        await page.OpenAsync("agents");
        var card = page.Locator($"#approvals .approval-item[data-run='{run}']");
        await card.WaitForAsync();
        (await card.InnerTextAsync()).ShouldContain("platform.list_services");
        (await card.Locator("fluent-button.approve").CountAsync()).ShouldBe(1);
        (await card.Locator("fluent-button.reject").CountAsync()).ShouldBe(1);
        await page.ScreenshotAsync("agents-approvals");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Reject_WithAReason_TheRunRecordsItAndGoesOn()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await StartRunAsync(page, "careful", "List them. [call:platform__list_services]");
        await page.WaitForSelectorAsync("#run-approvals .approval-reason", new() { Timeout = 60_000 });

        await page.FillAsync("#run-approvals .approval-reason", "not now");
        await page.ClickAsync("#run-approvals fluent-button.reject");

        await page.WaitForSelectorAsync("#lane-primary .approval-given");
        (await page.Locator("#lane-primary .approval-given").InnerTextAsync()).ShouldContain("rejected");
        (await page.Locator("#lane-primary .approval-given").InnerTextAsync()).ShouldContain("not now");
        await page.WaitForSelectorAsync("#run-state[data-state=completed]", new() { Timeout = 60_000 });
        await page.ScreenshotAsync("agents-run-rejected");
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Approve_TheRunResumesCallsTheToolAndCompletes()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        await StartRunAsync(page, "careful", "Look. [call:platform__list_services]");
        await page.WaitForSelectorAsync("#run-approvals fluent-button.approve", new() { Timeout = 60_000 });

        await page.ClickAsync("#run-approvals fluent-button.approve");

        await page.WaitForSelectorAsync("#lane-primary [data-type=tool_result]", new() { Timeout = 60_000 });
        (await page.Locator("#lane-primary [data-type=tool_result]").InnerTextAsync()).ShouldContain("speech");
        await page.WaitForSelectorAsync("#run-state[data-state=completed]", new() { Timeout = 60_000 });
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task AgentsPage_AfterARun_ListsItNewestFirst()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(system.TenantKey);
        var run = await StartRunAsync(page, "helper", "Once more.");

        await page.OpenAsync("agents");

        (await page.Locator("#runs li").First.GetAttributeAsync("data-run")).ShouldBe(run);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task AgentsPage_AdminKeyOnly_SaysATenantKeyIsNeeded()
    {
        var page = await system.NewPageAsync();
        await page.SignInAsync(UiSystem.AdminKey);
        await page.OpenAsync("agents");

        (await page.Locator("#agents-needs-tenant-key").InnerTextAsync()).ShouldContain("tenant key");
        await page.Context.CloseAsync();
    }
}
