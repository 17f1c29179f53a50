using System.Globalization;
using System.Net;

namespace Tanks.Tests.Infrastructure;

/// <summary>One socket a process listens on: TCP in LISTEN, or a bound, unconnected UDP socket.</summary>
public sealed record ListeningSocket(string Protocol, IPAddress Address, int Port)
{
    public override string ToString() => $"{Protocol} {new IPEndPoint(Address, Port)}";
}

/// <summary>
/// The sockets a process listens on, read from Linux's /proc: the socket inodes of <c>/proc/PID/fd</c> matched against
/// <c>/proc/PID/net/{tcp,tcp6,udp,udp6}</c> (what <c>ss -lntup</c> shows, without needing ss).
/// </summary>
public static class ListeningSockets
{
    private const string TcpListen = "0A";
    private const string UdpUnconnected = "07";

    public static List<ListeningSocket> Of(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target["socket:[".Length..^1]);
                }
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }

        var result = new List<ListeningSocket>();
        foreach (var (file, protocol, state) in new[] { ("tcp", "tcp", TcpListen), ("tcp6", "tcp", TcpListen), ("udp", "udp", UdpUnconnected), ("udp6", "udp", UdpUnconnected) })
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/net/{file}").Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && f[3] == state && inodes.Contains(f[9]))
                {
                    var local = f[1].Split(':');
                    result.Add(new ListeningSocket(protocol, ParseAddress(local[0]), int.Parse(local[1], NumberStyles.HexNumber)));
                }
            }
        }

        return result;
    }

    /// <summary>/proc's hex address: IPv4 as one little-endian word, IPv6 as four.</summary>
    private static IPAddress ParseAddress(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var i = 0; i < bytes.Length; i += 4)
        {
            Array.Reverse(bytes, i, 4);
        }

        return new IPAddress(bytes);
    }

    /// <summary>127.0.0.1, ::1 or ::ffff:127.0.0.1.</summary>
    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
