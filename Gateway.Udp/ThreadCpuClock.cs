using System.Runtime.InteropServices;

namespace Tanks.Gateway.Udp;

/// <summary>
/// CPU time of one thread through its POSIX CPU clock: the thread records its <c>pthread_self()</c> once, and any
/// thread can then read its clock (<c>pthread_getcpuclockid</c> + <c>clock_gettime</c>) without allocating.
/// Unavailable (non-glibc, Windows): <see cref="IsSupported"/> is false and every reading is zero.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const string LibC = "libc.so.6";

    public static bool IsSupported { get; } = Probe();

    /// <summary>The calling thread's handle, or 0 when unsupported.</summary>
    public static nint CurrentThread() => IsSupported ? PthreadSelf() : 0;

    /// <summary>CPU seconds the thread has used so far, or 0 when unsupported or the thread is gone.</summary>
    public static double Seconds(nint thread)
    {
        if (!IsSupported || thread == 0 || GetCpuClockId(thread, out var clock) != 0 || ClockGetTime(clock, out var ts) != 0)
        {
            return 0;
        }

        return ts.Seconds + (ts.Nanoseconds / 1e9);
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return GetCpuClockId(PthreadSelf(), out var clock) == 0 && ClockGetTime(clock, out _) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(LibC, EntryPoint = "pthread_self")]
    private static partial nint PthreadSelf();

    [LibraryImport(LibC, EntryPoint = "pthread_getcpuclockid")]
    private static partial int GetCpuClockId(nint thread, out int clockId);

    [LibraryImport(LibC, EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out Timespec time);
}
