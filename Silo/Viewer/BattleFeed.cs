using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading.Channels;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Silo.Viewer;

/// <summary>
/// One watched battle on this silo: a single <see cref="ISessionObserver"/> subscription however many browsers watch
/// (the battle pays what one more gateway costs: one one-way call per tick), renewed while anyone watches. Each frame
/// kept is decoded and written as JSON once and handed to every viewer's bounded buffer. Every frame's events (its
/// <c>BattleEvents</c> messages) are decoded as they come and go out with the next frame sent, so thinning to
/// <see cref="ViewerOptions.FrameRate"/> loses none (at most <see cref="MaxPendingEvents"/> wait; older ones are counted
/// as dropped).
/// </summary>
internal sealed partial class BattleFeed : ISessionObserver
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Frames missing this long: renew at once (the battle may have moved silo or resumed), at most once a second.</summary>
    private static readonly TimeSpan SilenceBeforeRenew = TimeSpan.FromSeconds(2);

    private readonly BattleFeeds _owner;
    private readonly IGrainFactory _grains;
    /// <summary>Events kept for the next frame sent: far beyond two ticks of a 7v7 battle (14 shots, hits and kills each).</summary>
    internal const int MaxPendingEvents = 1024;

    private readonly ViewerOptions _options;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly WorldState _state = new(); // decode scratch, under _lock
    private readonly WorldState _teamView = new(); // a team's view of _state, under _lock
    private readonly List<TickEvent> _pending = []; // events since the last frame sent, oldest first, under _lock
    private int _pendingDropped; // under _lock
    private readonly CancellationTokenSource _stop = new();
    private ImmutableArray<BattleViewer> _viewers = [];
    private ISessionObserver? _reference;
    private int _interval = 1;
    private long _lastSentTick;
    private int _lastEpoch = -1; // no frame sent yet: the first goes out whatever its tick
    private long _lastFrameAt = Stopwatch.GetTimestamp();
    private long _lastSubscribedAt;
    private bool _ended;

    public BattleFeed(BattleFeeds owner, Guid battleId, int team, IGrainFactory grains, ViewerOptions options, ILogger logger)
    {
        _owner = owner;
        BattleId = battleId;
        Team = team;
        _grains = grains;
        _options = options;
        _logger = logger;
        Ready = StartAsync();
    }

    public Guid BattleId { get; }

    /// <summary>-1: the whole battle; 0 or 1: that team's view (<see cref="WorldState.CopyTeamView"/> and its events).</summary>
    public int Team { get; }

    /// <summary>True once subscribed to a running battle; false if it does not run (viewers then leave).</summary>
    public Task<bool> Ready { get; }

    /// <summary>Viewers attached (the hub's limits count them; changed under the hub's lock).</summary>
    public int ViewerCount => _viewers.Length;

    private ISessionGrain Grain => _grains.GetGrain<ISessionGrain>(BattleId);

    public BattleViewer Attach()
    {
        var viewer = new BattleViewer(this, _options.BufferedFrames);
        ImmutableInterlocked.Update(ref _viewers, v => v.Add(viewer));
        lock (_lock)
        {
            if (_ended)
            {
                viewer.Complete(); // attached after the end went out: its stream ends at once
            }
        }

        return viewer;
    }

    /// <summary>Takes a viewer off; the hub closes the feed when it was the last.</summary>
    public int Detach(BattleViewer viewer)
    {
        ImmutableInterlocked.Update(ref _viewers, v => v.Remove(viewer));
        return _viewers.Length;
    }

    private async Task<bool> StartAsync()
    {
        try
        {
            var info = await Grain.GetInfoAsync().WaitAsync(CallTimeout);
            if (info is null || info.Over)
            {
                return false;
            }

            // Every n-th tick: 20 Hz battles at 10 frames/s send every other tick.
            _interval = Math.Max(1, (int)Math.Round(info.TickRate / (double)_options.FrameRate));
            _reference = _grains.CreateObjectReference<ISessionObserver>(this);
            var status = await Grain.SubscribeAsync(_reference).WaitAsync(CallTimeout);
            _lastSubscribedAt = Stopwatch.GetTimestamp();
            if (status.Phase != BattlePhase.Running)
            {
                return false;
            }

            _ = RenewLoopAsync();
            return true;
        }
        catch (Exception ex)
        {
            LogSubscribeFailed(_logger, ex, BattleId);
            return false;
        }
    }

    public void OnFrames(ImmutableArray<BattleFrame> frames)
    {
        if (frames.IsDefaultOrEmpty)
        {
            return;
        }

        Volatile.Write(ref _lastFrameAt, Stopwatch.GetTimestamp());
        var frame = frames[^1]; // the newest state is all a viewer needs: states are whole, not deltas
        byte[] message;
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            // Events are not whole: every frame's are kept for the next frame sent.
            foreach (var f in frames)
            {
                TakeEvents(f);
            }

            // Decoded before the skip (a few microseconds): the battle's last state, with its result, always goes out.
            if (WorldState.TryRead(frame.State, _state) != SnapshotReadResult.Ok)
            {
                LogBadFrame(_logger, BattleId, frame.Tick);
                return;
            }

            // A resumed battle (epoch up) may start over at a lower tick: sent at once too.
            // Ticks on the interval's grid (every even tick at 10 frames/s of 20 Hz), so every view of a battle (each its
            // own feed) sends the same ticks; off the grid only when the grid's ticks went missing.
            var since = frame.Tick - _lastSentTick;
            var due = since >= 2 * _interval || (since >= _interval && frame.Tick % _interval == 0);
            if (frame.Epoch == _lastEpoch && !due && _state.Header.EndReason == 0)
            {
                return;
            }

            _lastSentTick = frame.Tick;
            _lastEpoch = frame.Epoch;
            var shown = _state;
            if (Team >= 0)
            {
                _teamView.CopyTeamView(_state, Team); // what that team's players get: its tanks and the enemies it sees
                shown = _teamView;
            }

            message = ViewerJson.FrameEvent(shown, frame.Epoch, _pending, _pendingDropped);
            _pending.Clear();
            _pendingDropped = 0;
        }

        foreach (var viewer in _viewers)
        {
            viewer.Offer(message);
        }
    }

    /// <summary>Decodes the frame's <c>BattleEvents</c> messages (back to back) into <see cref="_pending"/>; under _lock.</summary>
    private void TakeEvents(BattleFrame frame)
    {
        // A team's events are what its players get (null without spotting: all of them).
        ReadOnlySpan<byte> rest = Team switch
        {
            0 => frame.EventsTeam0 ?? frame.Events,
            1 => frame.EventsTeam1 ?? frame.Events,
            _ => frame.Events,
        };
        while (!rest.IsEmpty)
        {
            if (!BattleEventsMessage.TryMeasure(rest, out var length)
                || BattleEventsMessage.TryRead(rest[..length], out var message) != GameMessageReadResult.Ok)
            {
                LogBadEvents(_logger, BattleId, frame.Tick);
                return;
            }

            foreach (var e in message)
            {
                if (_pending.Count == MaxPendingEvents)
                {
                    _pending.RemoveAt(0); // a viewer that cannot be sent frames for this long cares for the newest
                    _pendingDropped++;
                }

                _pending.Add(new TickEvent(message.Tick, e));
            }

            rest = rest[length..];
        }
    }

    public void OnBattleEnded(BattleSummary summary) => End(summary, summary.Reason);

    /// <summary>Tells every viewer the battle is over (their streams end) and stops renewing.</summary>
    private void End(BattleSummary? summary, string reason)
    {
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
        }

        _owner.Ended(this); // a browser that comes now finds the battle over, not this feed
        var message = ViewerJson.EndEvent(summary, reason);
        foreach (var viewer in _viewers)
        {
            viewer.Offer(message);
            viewer.Complete();
        }

        _stop.Cancel();
    }

    /// <summary>The watchdog: renews every <see cref="ViewerOptions.RenewPeriod"/>, sooner when frames stop.</summary>
    private async Task RenewLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var keepAliveEvery = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var sinceSubscribe = Stopwatch.GetElapsedTime(_lastSubscribedAt);
                var silence = Stopwatch.GetElapsedTime(Volatile.Read(ref _lastFrameAt));
                if (sinceSubscribe >= _options.RenewPeriod || (silence >= SilenceBeforeRenew && sinceSubscribe >= TimeSpan.FromSeconds(1)))
                {
                    await RenewAsync();
                }

                if (silence >= TimeSpan.FromSeconds(1) && ++keepAliveEvery % 10 == 0)
                {
                    foreach (var viewer in _viewers)
                    {
                        viewer.Offer(ViewerJson.KeepAlive);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            var status = await Grain.SubscribeAsync(_reference!).WaitAsync(CallTimeout, _stop.Token);
            _lastSubscribedAt = Stopwatch.GetTimestamp();
            switch (status.Phase)
            {
                case BattlePhase.Ended:
                    End(status.Summary, "ended");
                    break;
                case BattlePhase.Unknown:
                    End(null, "unknown");
                    break;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The battle's silo may be gone: the next tick tries again (its queue shard resumes it elsewhere).
            LogRenewFailed(_logger, BattleId, ex.GetType().Name);
        }
    }

    /// <summary>The last viewer left: unsubscribe (best effort; the battle forgets an unrenewed observer anyway).</summary>
    public async Task CloseAsync()
    {
        await Ready; // a subscription still on its way is undone too
        _stop.Cancel();
        if (_reference is null)
        {
            return;
        }

        try
        {
            if (!_ended)
            {
                await Grain.UnsubscribeAsync(_reference).WaitAsync(CallTimeout);
            }
        }
        catch (Exception ex)
        {
            LogRenewFailed(_logger, BattleId, ex.GetType().Name);
        }
        finally
        {
            _grains.DeleteObjectReference<ISessionObserver>(_reference);
        }
    }

    internal void Left(BattleViewer viewer) => _owner.Leave(this, viewer);

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Viewer: could not subscribe to battle {BattleId}")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, Guid battleId);

    [LoggerMessage(EventId = 701, Level = LogLevel.Debug, Message = "Viewer: renewing battle {BattleId} failed ({Error})")]
    private static partial void LogRenewFailed(ILogger logger, Guid battleId, string error);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Viewer: battle {BattleId} sent an unreadable world state at tick {Tick}")]
    private static partial void LogBadFrame(ILogger logger, Guid battleId, int tick);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Viewer: battle {BattleId} sent unreadable events at tick {Tick}")]
    private static partial void LogBadEvents(ILogger logger, Guid battleId, int tick);
}

/// <summary>
/// One browser's stream: a bounded buffer that drops the oldest frame when the browser reads slower than frames come,
/// so a slow reader costs at most <see cref="ViewerOptions.BufferedFrames"/> frames of memory.
/// </summary>
internal sealed class BattleViewer : IDisposable
{
    private readonly BattleFeed _feed;
    private readonly Channel<byte[]> _channel;
    private long _dropped;
    private int _disposed;

    public BattleViewer(BattleFeed feed, int capacity)
    {
        _feed = feed;
        _channel = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelReader<byte[]> Reader => _channel.Reader;

    /// <summary>True once the battle's frames are on their way; false: it does not run.</summary>
    public Task<bool> Ready => _feed.Ready;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Offer(byte[] message) => _channel.Writer.TryWrite(message);

    public void Complete() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Complete();
            _feed.Left(this);
        }
    }
}
