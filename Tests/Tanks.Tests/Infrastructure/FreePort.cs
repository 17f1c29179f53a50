using System.Net;
using System.Net.Sockets;

namespace Tanks.Tests.Infrastructure;

public static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>A TCP port free on loopback now, never handed out twice in this test run.</summary>
    public static int Next()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
