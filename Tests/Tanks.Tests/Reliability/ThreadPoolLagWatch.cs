using System.Diagnostics;

namespace Tanks.Tests.Reliability;

/// <summary>
/// Notes when this test process's thread pool takes long to run a work item. The bots and the harness live here, so a
/// stall of this process looks like a stall of every battle at once; the note says which it was.
/// </summary>
internal sealed class ThreadPoolLagWatch : IDisposable
{
    private static readonly TimeSpan Reported = TimeSpan.FromMilliseconds(250);
    private readonly Action<string> _note;
    private readonly Thread _thread;
    private volatile bool _stopped;

    public ThreadPoolLagWatch(Action<string> note)
    {
        _note = note;
        _thread = new Thread(Run) { IsBackground = true, Name = "thread-pool lag watch" };
        _thread.Start();
    }

    public void Dispose() => _stopped = true;

    private void Run()
    {
        using var ran = new ManualResetEventSlim();
        while (!_stopped)
        {
            ran.Reset();
            var queued = Stopwatch.GetTimestamp();
            ThreadPool.UnsafeQueueUserWorkItem(static e => e.Set(), ran, preferLocal: false);
            if (!ran.Wait(TimeSpan.FromSeconds(30)))
            {
                _note("test process: thread pool ran nothing for 30 s");
                ran.Wait(); // the item still runs some time: it must not find the event reset or disposed
            }

            var lag = Stopwatch.GetElapsedTime(queued);
            if (lag > Reported)
            {
                _note($"test process: thread pool lag {lag.TotalMilliseconds:0} ms ({ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued)");
            }

            Thread.Sleep(100);
        }
    }
}
