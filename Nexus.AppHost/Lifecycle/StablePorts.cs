using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace Nexus.AppHost.Lifecycle;

/// <summary>A fixed, documented port for a project's HTTP endpoint, checked before anything starts.</summary>
internal static class StablePorts
{
    /// <summary>
    /// Serves the endpoint on <paramref name="port"/>. When another program holds the port, DCP would wait for it silently
    /// (only its own log says why), so the AppHost stops at once with a message instead. Tests randomise every port.
    /// </summary>
    /// <remarks>The check runs before DCP or any resource has started, so exiting leaves nothing behind; a thrown
    /// exception would bury the message under a stack trace and an abort.</remarks>
    public static IResourceBuilder<ProjectResource> WithStableHttpPort(this IResourceBuilder<ProjectResource> project, int port)
    {
        project.WithHttpEndpoint(port: port, name: "http");
        var builder = project.ApplicationBuilder;
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
            {
                if (builder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts") || !IsTaken(port)) return Task.CompletedTask;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Port {port} ({project.Resource.Name}) is in use by another program. Stop it (e.g. another Nexus AppHost), or find it with: ss -ltnp 'sport = :{port}'"));
                Environment.Exit(1);
                return Task.CompletedTask;
            });
        }

        return project;
    }

    internal static bool IsTaken(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return true;
        }
    }
}
