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
    private readonly int _datagramBytes;
    private readonly int _bufferStride;
    private readonly bool _packetInfo;
    private byte* _memory;
    private readonly byte* _headers;
    private readonly byte* _iovecs;
    private readonly byte* _names;
    private readonly byte* _controls;
    private readonly byte* _buffers;

    public UdpSendBatch(int capacity, int datagramBytes, bool packetInfo = false)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("sendmmsg needs Linux on a 64-bit CPU");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(datagramBytes, 1);
        Capacity = capacity;
        _datagramBytes = datagramBytes;
        _packetInfo = packetInfo;
        _bufferStride = (datagramBytes + 15) & ~15;
        var controlBytes = packetInfo ? Native.PktinfoCmsgSpace : 0;
        var total = (nuint)capacity * (nuint)(Native.MmsghdrBytes + Native.IovecBytes + Native.SockaddrBytes + controlBytes + _bufferStride);
        _memory = (byte*)NativeMemory.AlignedAlloc(total, 64);
        NativeMemory.Clear(_memory, total);
        _headers = _memory;
        _iovecs = _headers + capacity * Native.MmsghdrBytes;
        _names = _iovecs + capacity * Native.IovecBytes;
        _controls = _names + capacity * Native.SockaddrBytes;
        _buffers = _controls + capacity * controlBytes;
        for (var i = 0; i < capacity; i++)
        {
            var header = _headers + i * Native.MmsghdrBytes;
            var iovec = _iovecs + i * Native.IovecBytes;
            *(byte**)iovec = _buffers + i * _bufferStride;
            *(byte**)(header + Native.MsgName) = _names + i * Native.SockaddrBytes;
            *(byte**)(header + Native.MsgIov) = iovec;
            *(nuint*)(header + Native.MsgIovLen) = 1;
            if (packetInfo)
            {
                // The control message is the same every time but for the source address: fill it in once.
                var control = _controls + i * controlBytes;
                *(nuint*)control = Native.PktinfoCmsgLen;
                *(int*)(control + 8) = Native.IpProtoIp;
                *(int*)(control + 12) = Native.IpPktinfo;
            }
        }
    }

    /// <summary>True where <c>sendmmsg</c> is available (Linux, x86-64 or arm64).</summary>
    public static bool IsSupported => Native.IsSupported;

    public int Capacity { get; }

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
            ObjectDisposedException.ThrowIf(_memory is null, this);
            if (IsFull)
            {
                throw new InvalidOperationException("the batch is full: flush it first");
            }

            return new Span<byte>(_buffers + Count * _bufferStride, _datagramBytes);
        }
    }

    /// <summary>
    /// Queues the first <paramref name="length"/> bytes of <see cref="NextBuffer"/> for <paramref name="to"/> (raw
    /// <c>sockaddr</c> bytes, as <see cref="SocketAddress.Buffer"/> holds them on Linux). <paramref name="sourceAddress"/>:
    /// the IPv4 source address in network byte order (needs <c>packetInfo</c>), 0 for the socket's own.
    /// </summary>
    public void Commit(ReadOnlySpan<byte> to, int length, uint sourceAddress = 0)
    {
        ObjectDisposedException.ThrowIf(_memory is null, this);
        if (IsFull)
        {
            throw new InvalidOperationException("the batch is full: flush it first");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)_datagramBytes, nameof(length));
        if (to.Length is 0 or > Native.SockaddrBytes)
        {
            throw new ArgumentException("a sockaddr of 1..32 bytes", nameof(to));
        }

        if (sourceAddress != 0 && !_packetInfo)
        {
            throw new InvalidOperationException("a source address needs a batch made with packetInfo");
        }

        var index = Count;
        var header = _headers + index * Native.MmsghdrBytes;
        to.CopyTo(new Span<byte>(_names + index * Native.SockaddrBytes, Native.SockaddrBytes));
        *(uint*)(header + Native.MsgNameLen) = (uint)to.Length;
        *(nuint*)(_iovecs + index * Native.IovecBytes + 8) = (nuint)length;
        if (sourceAddress != 0)
        {
            var control = _controls + index * Native.PktinfoCmsgSpace;
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
        if (IsFull || datagram.Length > _datagramBytes)
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
        ObjectDisposedException.ThrowIf(_memory is null, this);
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
                var result = Native.SendMmsg(fd, _headers + done * Native.MmsghdrBytes, (uint)(count - done), 0);
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

    public void Dispose()
    {
        if (_memory is not null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}

/// <summary>What one <see cref="UdpSendBatch.Flush"/> did: datagrams sent, dropped on an error, system calls made.</summary>
public readonly record struct FlushResult(int Sent, int Failed, int Calls);
