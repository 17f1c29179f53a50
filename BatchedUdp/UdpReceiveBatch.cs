using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tanks.BatchedUdp;

/// <summary>
/// Receives up to <see cref="Capacity"/> datagrams in one <c>recvmmsg</c> call into buffers allocated once (native
/// memory, so nothing is pinned or allocated per call). With <c>packetInfo</c> each datagram also reports the local
/// address it was sent to (<c>IP_PKTINFO</c>, IPv4): one socket bound to the wildcard address can then stand for many
/// loopback addresses. Linux only (<see cref="IsSupported"/>); one thread at a time.
/// </summary>
public sealed unsafe class UdpReceiveBatch : IDisposable
{
    private readonly MessageBlock _block;
    private readonly bool _packetInfo;

    public UdpReceiveBatch(int capacity, int datagramBytes, bool packetInfo = false)
    {
        _block = new MessageBlock(capacity, datagramBytes, packetInfo ? Native.PktinfoCmsgSpace : 0, "recvmmsg");
        _packetInfo = packetInfo;
        if (packetInfo)
        {
            for (var i = 0; i < capacity; i++)
            {
                *(byte**)(_block.Header(i) + Native.MsgControl) = _block.Control(i);
            }
        }

        Reset(capacity);
    }

    /// <summary>True where <c>recvmmsg</c> is available (Linux, x86-64 or arm64).</summary>
    public static bool IsSupported => Native.IsSupported;

    public int Capacity => _block.Capacity;

    /// <summary>Datagrams held from the last <see cref="Receive"/>.</summary>
    public int Count { get; private set; }

    /// <summary>System calls made so far (for datagrams-per-call figures).</summary>
    public long SystemCalls { get; private set; }

    /// <summary>
    /// Sets <c>IP_PKTINFO</c> on an IPv4 socket so each datagram reports its destination address. Needed with
    /// <c>packetInfo</c>.
    /// </summary>
    public static void EnablePacketInfo(Socket socket) =>
        socket.SetRawSocketOption(Native.IpProtoIp, Native.IpPktinfo, BitConverter.GetBytes(1));

    /// <summary>
    /// Sets the socket's receive timeout (<c>SO_RCVTIMEO</c>), so a blocked <see cref="Receive"/> returns 0 at least that
    /// often and its thread can see that it is asked to stop.
    /// </summary>
    public static void SetReceiveTimeout(Socket socket, TimeSpan timeout)
    {
        Span<byte> timeval = stackalloc byte[16];
        var micros = (long)timeout.TotalMicroseconds;
        MemoryMarshal.Write(timeval, micros / 1_000_000);
        MemoryMarshal.Write(timeval[8..], micros % 1_000_000);
        socket.SetRawSocketOption(Native.SolSocket, Native.SoRcvTimeo, timeval);
    }

    /// <summary>
    /// Receives what is queued, up to <see cref="Capacity"/> datagrams. <paramref name="wait"/>: block until at least
    /// one arrives (or the socket's receive timeout passes), then take what else is already queued
    /// (<c>MSG_WAITFORONE</c>); otherwise return at once. Returns the count, 0 when nothing came (timeout, interrupted,
    /// or nothing queued). Throws <see cref="SocketException"/> for other errors and <see cref="ObjectDisposedException"/>
    /// once the socket is closed.
    /// </summary>
    public int Receive(Socket socket, bool wait = true)
    {
        ObjectDisposedException.ThrowIf(_block.IsDisposed, this);
        Reset(Count);
        Count = 0;
        var handle = socket.SafeHandle;
        var added = false;
        int received;
        int errno;
        try
        {
            // The reference keeps the descriptor open (and its number unused by anything else) for the call's duration
            // even if another thread disposes the socket meanwhile.
            handle.DangerousAddRef(ref added);
            received = Native.RecvMmsg(handle.DangerousGetHandle(), _block.Headers, (uint)Capacity, wait ? Native.MsgWaitForOne : Native.MsgDontWait, null);
            errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        SystemCalls++;
        if (received >= 0)
        {
            Count = received;
            return received;
        }

        if (errno is Native.EAgain or Native.EIntr)
        {
            return 0;
        }

        throw Errors.ToException(errno, "recvmmsg");
    }

    /// <summary>Datagram <paramref name="index"/>'s bytes (cut at the buffer size when <see cref="IsTruncated"/>).</summary>
    public ReadOnlySpan<byte> Datagram(int index)
    {
        var header = Header(index);
        var length = (int)Math.Min(*(uint*)(header + Native.MsgLen), (uint)_block.DatagramBytes);
        return new ReadOnlySpan<byte>(*(byte**)*(byte**)(header + Native.MsgIov), length);
    }

    /// <summary>True if datagram <paramref name="index"/> was longer than the buffer (<c>MSG_TRUNC</c>).</summary>
    public bool IsTruncated(int index) => (*(int*)(Header(index) + Native.MsgFlags) & Native.MsgTrunc) != 0;

    /// <summary>The sender's address of datagram <paramref name="index"/> as the raw <c>sockaddr</c> bytes.</summary>
    public ReadOnlySpan<byte> Source(int index)
    {
        var header = Header(index);
        var length = (int)Math.Min(*(uint*)(header + Native.MsgNameLen), (uint)Native.SockaddrBytes);
        return new ReadOnlySpan<byte>(_block.Name(index), length);
    }

    /// <summary>
    /// Copies the sender's address of datagram <paramref name="index"/> into <paramref name="destination"/> (the same
    /// <c>sockaddr</c> bytes .NET keeps in <see cref="SocketAddress.Buffer"/> on Linux). False if it does not fit.
    /// </summary>
    public bool TryCopySource(int index, SocketAddress destination)
    {
        var source = Source(index);
        if (source.Length > destination.Buffer.Length)
        {
            return false;
        }

        source.CopyTo(destination.Buffer.Span);
        destination.Size = source.Length;
        return true;
    }

    /// <summary>
    /// The IPv4 address datagram <paramref name="index"/> was sent to, as it lies in memory (network byte order; what
    /// <see cref="IPAddress(long)"/> takes), or 0 without <c>packetInfo</c> or when the kernel did not report it.
    /// </summary>
    public uint DestinationAddress(int index)
    {
        if (!_packetInfo)
        {
            return 0;
        }

        var header = Header(index);
        var control = *(byte**)(header + Native.MsgControl);
        var controlLength = *(nuint*)(header + Native.MsgControlLen);
        // The only message asked for is IP_PKTINFO; check it is what the kernel wrote.
        if (controlLength < Native.PktinfoCmsgLen || *(int*)(control + 8) != Native.IpProtoIp || *(int*)(control + 12) != Native.IpPktinfo)
        {
            return 0;
        }

        return *(uint*)(control + Native.PktinfoAddr);
    }

    public void Dispose() => _block.Dispose();

    private byte* Header(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return _block.Header(index);
    }

    /// <summary>The kernel writes back name and control lengths and flags: restore the first <paramref name="count"/>.</summary>
    private void Reset(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var header = _block.Header(i);
            *(uint*)(header + Native.MsgNameLen) = Native.SockaddrBytes;
            *(nuint*)(header + Native.MsgControlLen) = (nuint)_block.ControlBytes;
            *(int*)(header + Native.MsgFlags) = 0;
            *(uint*)(header + Native.MsgLen) = 0;
        }
    }
}
