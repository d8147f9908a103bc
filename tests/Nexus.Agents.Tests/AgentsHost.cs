using Microsoft.Extensions.DependencyInjection.Extensions;
using Nexus.Agents.Runtime;
using Nexus.Testing;

namespace Nexus.Agents.Tests;

/// <summary>The agents service on a random port with a scripted model, its own spec folder and SQLite file.</summary>
internal sealed class AgentsHost : IAsyncDisposable
{
    public const string AdminKey = "agents-test-admin-key";

    private AgentsHost(TestService service, string root)
    {
        Service = service;
        Root = root;
    }

    public TestService Service { get; }
    public string Root { get; }
    public HttpClient Http => Service.Http;
    public string SpecsPath => Path.Combine(Root, "specs");
    public T Get<T>() where T : notnull => Service.App.Services.GetRequiredService<T>();

    /// <summary>Starts a host; pass the <paramref name="root"/> of an earlier one to start "the same service" again.</summary>
    public static async Task<AgentsHost> StartAsync(IAgentChatClients? clients, IDictionary<string, string>? specs = null, string? root = null, IDictionary<string, string?>? settings = null)
    {
        root ??= Directory.CreateTempSubdirectory("nexus-agents-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "specs"));
        foreach (var (name, yaml) in specs ?? new Dictionary<string, string>()) await File.WriteAllTextAsync(Path.Combine(root, "specs", name + ".yaml"), yaml);
        var configuration = new Dictionary<string, string?>
        {
            ["Agents:SpecsPath"] = Path.Combine(root, "specs"),
            ["Agents:SqlitePath"] = Path.Combine(root, "agents.db"),
            ["Agents:BlobPath"] = Path.Combine(root, "blobs"),
            ["Agents:AdminKey"] = AdminKey,
            ["Agents:GatewayUrl"] = "http://127.0.0.1:9",
            ["Agents:ApiKey"] = "nx-agents-test-key",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        var service = await TestService.StartAsync("Nexus.Agents", "agents", configuration,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddAgentsService();
                // Without a script, the agents call models through the gateway as in production.
                if (clients is not null)
                {
                    builder.Services.RemoveAll<IAgentChatClients>();
                    builder.Services.AddSingleton(clients);
                }
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapAgentsApi();
            });
        return new AgentsHost(service, root);
    }

    public async ValueTask DisposeAsync() => await Service.DisposeAsync();
}
