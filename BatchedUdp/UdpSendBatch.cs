using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tanks.BatchedUdp;

/// <summary>
/// Collects datagrams (each to its own address) in buffers allocated once and sends them with as few
/// <c>sendmmsg</c> calls as the kernel allows. A caller writes a datagram straight into <see cref="NextBuffer"/>
/// (e.g. encrypts into it) and then <see cref="Commit(ReadOnlySpan{byte}, int, uint)"/>s it; nothing is allocated per
/// datagram. With <c>packetInfo</c> each datagram may name its own source address (<c>IP_PKTINFO</c>, IPv4), for a
/// socket bound to the wildcard address that stands for many loopback addresses. Linux only; one thread at a time.
/// </summary>
public sealed unsafe class UdpSendBatch : IDisposable
{
    private readonly MessageBlock _block;
    private readonly bool _packetInfo;

    public UdpSendBatch(int capacity, int datagramBytes, bool packetInfo = false)
    {
        _block = new MessageBlock(capacity, datagramBytes, packetInfo ? Native.PktinfoCmsgSpace : 0, "sendmmsg");
        _packetInfo = packetInfo;
        if (packetInfo)
        {
            // The control message is the same every time but for the source address: fill it in once.
            for (var i = 0; i < capacity; i++)
            {
                var control = _block.Control(i);
                *(nuint*)control = Native.PktinfoCmsgLen;
                *(int*)(control + 8) = Native.IpProtoIp;
                *(int*)(control + 12) = Native.IpPktinfo;
            }
        }
    }

    /// <summary>True where <c>sendmmsg</c> is available (Linux, x86-64 or arm64).</summary>
    public static bool IsSupported => Native.IsSupported;

    public int Capacity => _block.Capacity;

    /// <summary>Datagrams committed and not yet flushed.</summary>
    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    /// <summary>System calls made so far (for datagrams-per-call figures).</summary>
    public long SystemCalls { get; private set; }

    /// <summary>Where the next datagram is written (<see cref="Commit(ReadOnlySpan{byte}, int, uint)"/> then sends it). Throws when full.</summary>
    public Span<byte> NextBuffer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_block.IsDisposed, this);
            if (IsFull)
            {
                throw new InvalidOperationException("the batch is full: flush it first");
            }

            return new Span<byte>(_block.Buffer(Count), _block.DatagramBytes);
        }
    }

    /// <summary>
    /// Queues the first <paramref name="length"/> bytes of <see cref="NextBuffer"/> for <paramref name="to"/> (raw
    /// <c>sockaddr</c> bytes, as <see cref="SocketAddress.Buffer"/> holds them on Linux). <paramref name="sourceAddress"/>:
    /// the IPv4 source address in network byte order (needs <c>packetInfo</c>), 0 for the socket's own.
    /// </summary>
    public void Commit(ReadOnlySpan<byte> to, int length, uint sourceAddress = 0)
    {
        ObjectDisposedException.ThrowIf(_block.IsDisposed, this);
        if (IsFull)
        {
            throw new InvalidOperationException("the batch is full: flush it first");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)_block.DatagramBytes, nameof(length));
        if (to.Length is 0 or > Native.SockaddrBytes)
        {
            throw new ArgumentException("a sockaddr of 1..32 bytes", nameof(to));
        }

        if (sourceAddress != 0 && !_packetInfo)
        {
            throw new InvalidOperationException("a source address needs a batch made with packetInfo");
        }

        var index = Count;
        var header = _block.Header(index);
        to.CopyTo(new Span<byte>(_block.Name(index), Native.SockaddrBytes));
        *(uint*)(header + Native.MsgNameLen) = (uint)to.Length;
        _block.SetLength(index, length);
        if (sourceAddress != 0)
        {
            var control = _block.Control(index);
            *(uint*)(control + Native.PktinfoSpecDst) = sourceAddress;
            *(byte**)(header + Native.MsgControl) = control;
            *(nuint*)(header + Native.MsgControlLen) = Native.PktinfoCmsgSpace;
        }
        else
        {
            *(byte**)(header + Native.MsgControl) = null;
            *(nuint*)(header + Native.MsgControlLen) = 0;
        }

        Count = index + 1;
    }

    /// <summary>Queues a datagram for <paramref name="to"/>; false (nothing queued) when the batch is full or the datagram too long.</summary>
    public bool TryAdd(SocketAddress to, ReadOnlySpan<byte> datagram, uint sourceAddress = 0)
    {
        if (IsFull || datagram.Length > _block.DatagramBytes)
        {
            return false;
        }

        datagram.CopyTo(NextBuffer);
        Commit(to.Buffer.Span[..to.Size], datagram.Length, sourceAddress);
        return true;
    }

    /// <summary>
    /// Sends every queued datagram and empties the batch. A datagram the kernel refuses (its error is for that one
    /// datagram: unreachable, no buffer space) is dropped and counted, and the rest still go, as separate
    /// <c>sendto</c> calls would. Bounded: at most one call per queued datagram.
    /// </summary>
    public FlushResult Flush(Socket socket)
    {
        ObjectDisposedException.ThrowIf(_block.IsDisposed, this);
        var count = Count;
        Count = 0;
        if (count == 0)
        {
            return default;
        }

        var handle = socket.SafeHandle;
        var added = false;
        int sent = 0, failed = 0, calls = 0, interrupted = 0;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = handle.DangerousGetHandle();
            while (sent + failed < count)
            {
                var done = sent + failed;
                var result = Native.SendMmsg(fd, _block.Header(done), (uint)(count - done), 0);
                calls++;
                if (result > 0)
                {
                    sent += result;
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == Native.EIntr && ++interrupted <= count)
                {
                    continue;
                }

                if (errno is 9 or 88)
                {
                    throw Errors.ToException(errno, "sendmmsg");
                }

                failed++; // the error belongs to the first datagram not sent: drop it, go on with the next
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }

            SystemCalls += calls;
        }

        return new FlushResult(sent, failed, calls);
    }

    /// <summary>Forgets the queued datagrams without sending them.</summary>
    public void Clear() => Count = 0;

    public void Dispose() => _block.Dispose();
}

/// <summary>What one <see cref="UdpSendBatch.Flush"/> did: datagrams sent, dropped on an error, system calls made.</summary>
public readonly record struct FlushResult(int Sent, int Failed, int Calls);
