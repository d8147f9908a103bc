using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>
/// Everything the browser tests drive, started once for the collection: the real gateway (SQLite, embedded registry),
/// the real speech service (espeak-ng), image service (over a fake Automatic1111) and OCR service (tesseract), a fake OpenAI upstream behind a
/// static route, the real agents service (its model calls go to that upstream through the gateway), a tenant with a
/// key, the UI as its own process, and one Chromium.
/// </summary>
public sealed class UiSystem : IAsyncLifetime
{
    public const string AdminKey = "nxadm-ui-tests-admin-key";
    public const string RegistrationToken = "ui-tests-registration-token";
    public const string ChatModel = "fake-chat";
    public const string Chromium = "/usr/bin/chromium";

    private WebApplication? _gateway;
    private TestService? _speech;
    private TestService? _image;
    private TestService? _agents;
    private TestService? _ocr;
    private FakeOpenAI? _openAi;
    private UiServer? _ui;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string GatewayUrl { get; private set; } = "";
    public string UiUrl => _ui!.Url;
    public string TenantKey { get; private set; } = "";
    internal FakeAutomatic1111 Automatic1111 { get; private set; } = null!;
    public HttpClient Admin { get; } = new();

    /// <summary>Where every test writes its screenshots (look at them).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        Automatic1111 = await FakeAutomatic1111.StartAsync();
        _openAi = await FakeOpenAI.StartAsync();
        _gateway = await StartGatewayAsync(_openAi.Url);
        GatewayUrl = TestWebHost.BaseAddress(_gateway).ToString().TrimEnd('/');
        Admin.BaseAddress = new Uri(GatewayUrl + "/");
        Admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);

        _speech = await StartServiceAsync("Nexus.Services.Speech", "speech", b => b.AddSpeechService(), a => a.MapSpeechApi(), new() { ["Nexus:Description"] = "Text to speech with espeak-ng, speech to text with pocketsphinx." });
        _image = await StartServiceAsync("Nexus.Services.Image", "image", b => b.AddImageService(), a => a.MapImageApi(), new() { ["Image:Automatic1111Url"] = Automatic1111.Url, ["Nexus:Description"] = "Images over Automatic1111, with a procedural development renderer." });
        // OCR only where tesseract is installed (its tests skip without it, except in CI); elsewhere it would report not ready.
        if (TestPrograms.Find("tesseract") is not null)
            _ocr = await StartServiceAsync("Nexus.Services.Ocr", "ocr", b => b.AddOcrService(), a => a.MapOcrApi(), new() { ["Nexus:Description"] = "Text from images with tesseract." });
        TenantKey = await CreateTenantKeyAsync("ui-tests");
        _agents = await StartAgentsAsync(await CreateTenantKeyAsync("agents"));
        _ui = await UiServer.StartAsync(GatewayUrl, RegistrationToken);
        await Eventually.WaitAsync(() => Admin.GetStringAsync("v1/registry/instances?state=ready"), s => s.Contains("\"image\"", StringComparison.Ordinal) && s.Contains("\"ui\"", StringComparison.Ordinal) && s.Contains("\"agents\"", StringComparison.Ordinal), "image, agents and the UI to be ready", TimeSpan.FromSeconds(60));

        if (TestPrograms.Find(Chromium) is not null)
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"] });
        }
    }

    /// <summary>
    /// A fresh browser context (no cookies) and page on the UI, optionally at an address of its own; skips without
    /// Chromium (fails in CI).
    /// </summary>
    public async Task<IPage> NewPageAsync(string? browserAddress = null)
    {
        TestPrograms.Require(Chromium);
        var context = await _browser!.NewContextAsync(new()
        {
            BaseURL = UiUrl,
            ViewportSize = new() { Width = 1280, Height = 860 },
            // As the proxy in front of the UI would say: where this browser is.
            ExtraHTTPHeaders = browserAddress is null ? null : new Dictionary<string, string> { ["X-Forwarded-For"] = browserAddress },
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Starts a Nexus service that registers with the gateway.</summary>
    internal async Task<TestService> StartServiceAsync(string application, string name, Action<WebApplicationBuilder> add, Action<WebApplication> map, Dictionary<string, string?> settings)
    {
        settings["Nexus:Registry:Enabled"] = "true";
        settings["Nexus:Registry:Url"] = GatewayUrl;
        settings["Nexus:Registry:Token"] = RegistrationToken;
        return await TestService.StartAsync(application, name, settings, b => { b.AddServiceDefaults(); add(b); }, a => { a.MapDefaultEndpoints(); map(a); });
    }

    /// <summary>
    /// The agents service with two agents on the fake model: <c>helper</c> with both partners, and <c>careful</c>, whose
    /// call of <c>platform.list_services</c> waits for a human.
    /// </summary>
    private async Task<TestService> StartAgentsAsync(string agentsKey)
    {
        var folder = Directory.CreateTempSubdirectory("nexus-ui-agents-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "specs"));
        await File.WriteAllTextAsync(Path.Combine(folder, "specs", "helper.yaml"), $"name: helper\ndescription: Helps, reviewed by both partners.\ninstructions: You help.\nmodel: {ChatModel}\ntools:\n  allow: [\"platform.*\"]\nadversary: {{ enabled: true, rounds: 1 }}\nsupplicant: {{ enabled: true }}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "specs", "careful.yaml"), $"name: careful\ndescription: Asks before it looks.\ninstructions: You help.\nmodel: {ChatModel}\ntools:\n  allow: [\"platform.*\"]\n  approve: [\"platform.list_services\"]\n");
        return await StartServiceAsync("Nexus.Agents", "agents", b => b.AddAgentsService(), a => a.MapAgentsApi(), new()
        {
            ["Agents:GatewayUrl"] = GatewayUrl,
            ["Agents:ApiKey"] = agentsKey,
            ["Agents:RegistryKey"] = AdminKey,
            ["Agents:SpecsPath"] = Path.Combine(folder, "specs"),
            ["Agents:SqlitePath"] = Path.Combine(folder, "agents.db"),
            ["Agents:BlobPath"] = Path.Combine(folder, "blobs"),
            ["Nexus:Description"] = "Agents on the fake model.",
        });
    }

    public async Task<string> CreateTenantKeyAsync(string tenantName)
    {
        var tenant = await (await Admin.PostAsJsonAsync("admin/tenants", new { name = tenantName })).Content.ReadFromJsonAsync<JsonObject>();
        var key = await (await Admin.PostAsJsonAsync($"admin/tenants/{tenant!["id"]}/keys", new { name = "browser" })).Content.ReadFromJsonAsync<JsonObject>();
        return key!["key"]!.GetValue<string>();
    }

    internal static async Task<WebApplication> StartGatewayAsync(string openAiUrl)
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Gateway");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "gateway",
            ["Nexus:Registry:Token"] = RegistrationToken,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
            ["Nexus:Gateway:BootstrapAdminKey"] = AdminKey,
            ["Nexus:Gateway:StaticProbeInterval"] = "00:00:00.200",
            [$"Nexus:Gateway:Routes:Models:{ChatModel}:0:Url"] = openAiUrl + "/",
            ["Nexus:Gateway:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"nexus-ui-tests-{Guid.NewGuid():N}.db"),
        });
        builder.AddServiceDefaults();
        builder.AddNexusGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapNexusGateway();
        await TestWebHost.StartAsync(app);
        return app;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_ui is not null)
        {
            // The UI's own log beside the screenshots, for a failure's cause.
            await File.WriteAllTextAsync(Path.Combine(Screenshots, "ui.log"), _ui.Output);
            await _ui.DisposeAsync();
        }

        if (_agents is not null) await _agents.DisposeAsync();
        if (_ocr is not null) await _ocr.DisposeAsync();
        if (_image is not null) await _image.DisposeAsync();
        if (_speech is not null) await _speech.DisposeAsync();
        if (_gateway is not null) await TestWebHost.StopAsync(_gateway);
        if (_openAi is not null) await _openAi.DisposeAsync();
        if (Automatic1111 is not null) await Automatic1111.DisposeAsync();
        Admin.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiSystem>
{
    public const string Name = "ui";
}
