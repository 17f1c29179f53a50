using System.Runtime.InteropServices;

namespace Tanks.BatchedUdp;

/// <summary>
/// One native allocation holding a batch's <c>mmsghdr</c> array and, per entry, its iovec, address, control space and
/// datagram buffer, wired together once: what <see cref="UdpReceiveBatch"/> and <see cref="UdpSendBatch"/> both hand
/// the kernel.
/// </summary>
internal sealed unsafe class MessageBlock : IDisposable
{
    private byte* _memory;

    public MessageBlock(int capacity, int datagramBytes, int controlBytes, string call)
    {
        if (!Native.IsSupported)
        {
            throw new PlatformNotSupportedException($"{call} needs Linux on a 64-bit CPU");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(datagramBytes, 1);
        Capacity = capacity;
        DatagramBytes = datagramBytes;
        ControlBytes = controlBytes;
        BufferStride = (datagramBytes + 15) & ~15;
        var total = (nuint)capacity * (nuint)(Native.MmsghdrBytes + Native.IovecBytes + Native.SockaddrBytes + controlBytes + BufferStride);
        _memory = (byte*)NativeMemory.AlignedAlloc(total, 64);
        NativeMemory.Clear(_memory, total);
        Headers = _memory;
        Iovecs = Headers + capacity * Native.MmsghdrBytes;
        Names = Iovecs + capacity * Native.IovecBytes;
        Controls = Names + capacity * Native.SockaddrBytes;
        Buffers = Controls + capacity * controlBytes;
        for (var i = 0; i < capacity; i++)
        {
            var header = Header(i);
            var iovec = Iovecs + i * Native.IovecBytes;
            *(byte**)iovec = Buffer(i);
            *(nuint*)(iovec + 8) = (nuint)datagramBytes;
            *(byte**)(header + Native.MsgName) = Name(i);
            *(byte**)(header + Native.MsgIov) = iovec;
            *(nuint*)(header + Native.MsgIovLen) = 1;
        }
    }

    public int Capacity { get; }

    public int DatagramBytes { get; }

    public int ControlBytes { get; }

    public int BufferStride { get; }

    public byte* Headers { get; }

    public byte* Iovecs { get; }

    public byte* Names { get; }

    public byte* Controls { get; }

    public byte* Buffers { get; }

    public bool IsDisposed => _memory is null;

    public byte* Header(int index) => Headers + index * Native.MmsghdrBytes;

    public byte* Name(int index) => Names + index * Native.SockaddrBytes;

    public byte* Control(int index) => Controls + index * ControlBytes;

    public byte* Buffer(int index) => Buffers + index * BufferStride;

    /// <summary>Sets datagram <paramref name="index"/>'s length in its iovec.</summary>
    public void SetLength(int index, int length) => *(nuint*)(Iovecs + index * Native.IovecBytes + 8) = (nuint)length;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>A batch held per thread (a gateway's send batches) is never disposed: the memory goes with the object.</summary>
    ~MessageBlock() => Free();

    private void Free()
    {
        if (_memory is not null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}
