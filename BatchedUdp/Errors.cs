using System.Net.Sockets;

namespace Tanks.BatchedUdp;

/// <summary>Linux errno values of the batched calls as the <see cref="SocketError"/> a .NET caller already handles.</summary>
internal static class Errors
{
    public static Exception ToException(int errno, string call) => errno switch
    {
        9 or 88 => new ObjectDisposedException(nameof(Socket), $"{call}: the socket is closed (errno {errno})"),  // EBADF, ENOTSOCK
        90 => new SocketException((int)SocketError.MessageSize),                    // EMSGSIZE
        101 => new SocketException((int)SocketError.NetworkUnreachable),            // ENETUNREACH
        105 => new SocketException((int)SocketError.NoBufferSpaceAvailable),        // ENOBUFS
        111 => new SocketException((int)SocketError.ConnectionRefused),             // ECONNREFUSED
        113 => new SocketException((int)SocketError.HostUnreachable),               // EHOSTUNREACH
        _ => new SocketException((int)SocketError.SocketError, $"{call} failed: errno {errno}"),
    };
}
