using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tanks.LoadTest;

/// <summary>
/// Which of a driver thread's bot sockets have datagrams waiting, from one <c>epoll_wait</c> per pass. Without it a
/// driver would call <c>Update</c> (an <c>ioctl</c>) on every bot every millisecond, and the load tool's own CPU would
/// grow with bots × passes instead of with packets. Linux only: <see cref="TryCreate"/> returns null elsewhere and the
/// driver falls back to updating every bot each pass.
/// </summary>
public sealed unsafe partial class ReadinessPoller : IDisposable
{
    private const int EpollIn = 0x001;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlMod = 3;
    private const int EExist = 17;
    private const int EIntr = 4;
    public const int MaxEvents = 256;

    // struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16 bytes).
    private static readonly int Stride = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _epoll;
    private readonly byte[] _events = new byte[MaxEvents * 16];
    private readonly byte[] _one = new byte[16];

    private ReadinessPoller(int epoll) => _epoll = epoll;

    public static ReadinessPoller? TryCreate()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var fd = EpollCreate1(0);
            return fd < 0 ? null : new ReadinessPoller(fd);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Watches <paramref name="handle"/> for readability; <paramref name="tag"/> comes back from <see cref="Wait"/>.</summary>
    /// <remarks>A closed socket leaves the set by itself (the kernel drops it), so there is no remove.</remarks>
    public bool Watch(nint handle, int tag)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_one, EpollIn);
        BinaryPrimitives.WriteInt64LittleEndian(_one.AsSpan(DataOffset), tag);
        fixed (byte* e = _one)
        {
            if (EpollCtl(_epoll, EpollCtlAdd, (int)handle, e) == 0)
            {
                return true;
            }

            return Marshal.GetLastPInvokeError() == EExist && EpollCtl(_epoll, EpollCtlMod, (int)handle, e) == 0;
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for readable sockets; their tags go to <paramref name="ready"/>, the count is returned.</summary>
    public int Wait(int timeoutMs, int[] ready)
    {
        int count;
        fixed (byte* events = _events)
        {
            count = EpollWait(_epoll, events, Math.Min(MaxEvents, ready.Length), timeoutMs);
        }

        if (count < 0)
        {
            return Marshal.GetLastPInvokeError() == EIntr ? 0 : throw new InvalidOperationException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
        }

        for (var i = 0; i < count; i++)
        {
            ready[i] = (int)BinaryPrimitives.ReadInt64LittleEndian(_events.AsSpan(i * Stride + DataOffset));
        }

        return count;
    }

    public void Dispose() => Close(_epoll);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int op, int fd, byte* @event);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
