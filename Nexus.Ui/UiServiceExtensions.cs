using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.FluentUI.AspNetCore.Components;
using Nexus.ServiceDefaults.Http;
using Nexus.Ui;
using Nexus.Ui.Account;
using Nexus.Ui.Components;
using Nexus.Ui.Gateway;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>The UI's wiring: Blazor with server interactivity, Fluent UI, the cookie sign-in and the gateway client.</summary>
internal static class UiServiceExtensions
{
    public static WebApplicationBuilder AddNexusUi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<UiOptions>().BindConfiguration(UiOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<UiOptions>, UiOptionsSetup>();
        services.AddSingleton<IValidateOptions<UiOptions>, UiOptionsSetup>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddFluentUIComponents();

        builder.AddUiKeyRing();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "nexus-ui";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/signin";
            cookie.AccessDeniedPath = "/forbidden";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<SessionAccessor>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SignInThrottle>();
        services.AddTransient<RegistryFeed>();
        services.AddScoped<DescriptorSource>();
        services.AddScoped<Nexus.Ui.Forms.FunctionCaller>();
        services.AddScoped<Nexus.Ui.Agents.AgentsClient>();

        // No timeout on the client itself: streams (chat, the registry watch) run for as long as the page shows them;
        // GatewayClient puts a timeout on every call that is not a stream.
        services.AddHttpClient<GatewayClient>((sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<UiOptions>>().Value.GatewayUrl!.TrimEnd('/') + "/");
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        return builder;
    }

    /// <summary>
    /// The key ring that encrypts the sign-in cookie, shared by every UI process: in Redis when the UI has a connection to
    /// it, else in <see cref="UiOptions.DataProtectionKeysPath"/> (a volume), else in memory. The application name is fixed
    /// so that processes with different content roots still read each other's cookies.
    /// </summary>
    private static void AddUiKeyRing(this WebApplicationBuilder builder)
    {
        var keyRing = builder.Services.AddDataProtection().SetApplicationName("nexus-ui");
        if (builder.Configuration.GetConnectionString("redis") is { Length: > 0 } redis)
        {
            var connection = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(redis));
            keyRing.PersistKeysToStackExchangeRedis(() => connection.Value.GetDatabase(), "nexus-ui:data-protection-keys");
        }
        else if (builder.Configuration[$"{UiOptions.SectionName}:{nameof(UiOptions.DataProtectionKeysPath)}"] is { Length: > 0 } path)
        {
            keyRing.PersistKeysToFileSystem(new DirectoryInfo(path));
        }
    }

    public static WebApplication MapNexusUi(this WebApplication app)
    {
        // Order matters: the browser's address first (from the proxies listed in Nexus:Ui:TrustedProxies only, for the
        // sign-in throttle and the address the UI forwards to the gateway), authentication before authorization,
        // antiforgery after both (as Blazor's template has it).
        if (TrustedProxies.Read(app.Configuration, "Nexus:Ui:TrustedProxies") is { } forwarded) app.UseForwardedHeaders(forwarded);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
