using System.Diagnostics;
using Tanks.Gateway.Udp.Payloads;

namespace Tanks.Gateway.Udp.Server;

internal sealed partial class UdpGateway
{
    private Thread? _logicThread;
    private double _receiveCpuSeen;
    private long _receiveAllocatedSeen;

    /// <summary>
    /// The logic loop (LiteNetLib's UpdateLogic): every tick, a keep-alive to each client that has been sent
    /// nothing for <see cref="UdpGatewayOptions.KeepAliveMilliseconds"/>, and a timeout for each client silent for
    /// its token's timeout; once a second, pending mappings and spent token entries are pruned and the receive
    /// threads' CPU clocks are sampled. Stopwatch-timed; waits out the rest of each tick.
    /// </summary>
    private void LogicLoop()
    {
        var tickTicks = Stopwatch.Frequency * _options.TickMilliseconds / 1000;
        var nextHousekeeping = Stopwatch.GetTimestamp();
        while (!_stopping)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                Tick(started);
                if (started >= nextHousekeeping)
                {
                    Housekeeping(started);
                    nextHousekeeping = started + Stopwatch.Frequency;
                }
            }
            catch (Exception ex)
            {
                Log.TickFailed(_logger, ex);
            }

            var remaining = tickTicks - (Stopwatch.GetTimestamp() - started);
            if (remaining > 0)
            {
                Thread.Sleep(TimeSpan.FromTicks(remaining * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }
        }
    }

    private void Tick(long now)
    {
        // The tick's keep-alives go out together; a timeout's disconnect packets join them.
        using var scope = BeginSendBatch();
        var used = Volatile.Read(ref _slotsEverUsed);
        for (var i = 0; i < used; i++)
        {
            var slot = Volatile.Read(ref _slots[i]);
            if (slot is null)
            {
                continue;
            }

            var timedOut = false;
            uint generation;
            lock (slot)
            {
                if (!slot.Active)
                {
                    continue;
                }

                generation = slot.Generation;
                if (slot.TimeoutTicks > 0 && now - slot.LastReceiveTicks > slot.TimeoutTicks)
                {
                    timedOut = true;
                }
                else if (now - slot.LastSendTicks >= _keepAliveTicks)
                {
                    SendKeepAlive(slot);
                }
            }

            if (timedOut)
            {
                Disconnect(slot, generation, UdpDisconnectReason.TimedOut);
            }
        }
    }

    private void Housekeeping(long now)
    {
        lock (_handshakeLock)
        {
            foreach (var (address, pending) in _pending)
            {
                var idleLimit = pending.TimeoutSeconds > 0 ? Stopwatch.Frequency * pending.TimeoutSeconds : long.MaxValue / 4;
                if (now > pending.ExpireTicks || now - pending.LastAccessTicks > idleLimit)
                {
                    pending.Dispose();
                    _pending.Remove(address);
                }
            }

            _tokenHistory.Prune(UnixNow);
        }

        var cpu = 0.0;
        foreach (var thread in _receiveThreadHandles)
        {
            cpu += ThreadCpuClock.Seconds(thread);
        }

        if (cpu > _receiveCpuSeen)
        {
            _metrics.ReceiveCpuSeconds(cpu - _receiveCpuSeen);
            _receiveCpuSeen = cpu;
        }

        long allocated = 0;
        for (var i = 0; i < _receiveAllocated.Length; i++)
        {
            allocated += Volatile.Read(ref _receiveAllocated[i]);
        }

        if (allocated > _receiveAllocatedSeen)
        {
            _metrics.ReceiveAllocatedBytes(allocated - _receiveAllocatedSeen);
            _receiveAllocatedSeen = allocated;
        }
    }
}
