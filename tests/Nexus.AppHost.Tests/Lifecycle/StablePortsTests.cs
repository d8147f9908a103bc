using System.Net;
using System.Net.Sockets;
using Nexus.AppHost.Lifecycle;

namespace Nexus.AppHost.Tests.Lifecycle;

public sealed class StablePortsTests
{
    [Fact]
    public void IsTaken_PortHeldByAnotherListener_IsTrue()
    {
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();

        StablePorts.IsTaken(((IPEndPoint)holder.LocalEndpoint).Port).ShouldBeTrue();
    }

    [Fact]
    public void IsTaken_FreePort_IsFalse()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        StablePorts.IsTaken(port).ShouldBeFalse();
    }
}
