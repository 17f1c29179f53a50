using System.Collections.Immutable;
using System.Diagnostics;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;
using BattlePlayer = Tanks.Grains.Interfaces.Sessions.BattlePlayer;

namespace Tanks.Gateway.Udp.Game;

/// <summary>
/// One battle this gateway has players in: its session observer (one world state per tick in, one delta per client
/// out), the latest input of each of its players (sent to the SessionGrain once per tick in one batch), and the
/// subscription renewal. Threads: <see cref="OnFrames"/> and <see cref="OnBattleEnded"/> come on Orleans threads
/// (serialized by <c>_frameLock</c>); inputs and membership changes on the receive thread (<c>_inputLock</c>,
/// <c>_membersLock</c>, each held for a few instructions). Members are a copy-on-write array, so a frame never waits for them.
/// </summary>
internal sealed class BattleRoom : ISessionObserver, IDisposable
{
    /// <summary>How long before the battle's next tick (as a share of the tick period) the inputs are sent.</summary>
    private const double FlushLead = 0.4;

    /// <summary>No frame for this long: the battle's silo may be gone; subscribe again at once (the call resumes it elsewhere).</summary>
    internal static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How often the watchdog looks at the room.</summary>
    internal static readonly TimeSpan WatchPeriod = TimeSpan.FromMilliseconds(500);

    [ThreadStatic]
    private static SnapshotEncoder? t_encoder;

    private readonly GameGateway _gateway;
    private readonly object _membersLock = new();
    private readonly object _inputLock = new();
    private readonly object _frameLock = new();
    private readonly Dictionary<long, PlayerInput> _pending = [];
    private readonly Dictionary<long, BattlePlayer> _players;
    private readonly Protocol.Game.BattlePlayer[] _roster;
    // Spotting: each team's clients are encoded against that team's view of the world (the frame's seen-by masks), so
    // each team has its own baselines. The gateway applies the masks; the rules that set them live in the battle.
    private readonly SnapshotHistory[] _histories = [new(), new()];
    private readonly byte[] _teamOfTank;
    private readonly WorldState _scratch = new();
    private readonly WorldState _teamView = new();
    private readonly byte[] _startBuffer = new byte[GameProtocol.MaxMessageBytes];
    private GameClient[] _members = [];
    private Timer? _flushTimer;
    private Timer? _renewTimer;
    private int _submitting;
    private int _subscribing;
    private int _endSent;
    private int _epoch = -1;
    private uint? _newestBeforeRestart;
    private long _lastFrameAt = Stopwatch.GetTimestamp();
    private long _lastSubscribedAt = Stopwatch.GetTimestamp();
    private long _silentSince;
    private volatile bool _closed;
    private volatile bool _ended;

    public BattleRoom(GameGateway gateway, BattleInfo info, ISessionGrain grain, BattleDefinitionData definition)
    {
        Definition = definition;
        _gateway = gateway;
        Assignment = info.Assignment;
        TickRate = Math.Clamp(info.TickRate, 1, 240);
        Grain = grain;
        _players = Assignment.Players.ToDictionary(p => p.UserId);
        _roster = Assignment.Players
            .Select(p => new Protocol.Game.BattlePlayer((ushort)p.Slot, (byte)p.Team, TankClassCodes.Id(p.TankClass), p.UserId))
            .ToArray();
        _teamOfTank = new byte[Assignment.Players.Max(p => p.Slot) + 1];
        foreach (var p in Assignment.Players)
        {
            _teamOfTank[p.Slot] = (byte)Math.Clamp(p.Team, 0, 1);
        }
    }

    public Guid BattleId => Assignment.BattleId;

    public BattleAssignment Assignment { get; }

    public int TickRate { get; }

    public ISessionGrain Grain { get; }

    /// <summary>The battle's <c>BattleDefinition</c> messages and hash, sent before every <c>BattleStart</c>.</summary>
    public BattleDefinitionData Definition { get; }

    /// <summary>This room as an Orleans object reference (set once, before the first subscription).</summary>
    public ISessionObserver? ObserverReference { get; set; }

    public bool IsClosed => _closed;

    public int MemberCount => Volatile.Read(ref _members).Length;

    public bool TryGetPlayer(long userId, out BattlePlayer player) => _players.TryGetValue(userId, out player!);

    /// <summary>Starts the input flush and the watchdog (subscription renewal every ~10 s, at once when frames stop).</summary>
    /// <remarks>
    /// Inputs go to the battle once per tick, shortly before its next tick: each frame re-arms the one-shot flush for
    /// <see cref="FlushLead"/> before the tick after it, so an input waits half a tick on average before it is applied.
    /// Battles of one tick phase (<c>TickGrid</c>) send their frames together, so their rooms' flushes fall due together
    /// and one timer wake-up serves them all. Without frames (a lapsed subscription until its renewal) it flushes once per tick.
    /// </remarks>
    public void Start()
    {
        var period = TimeSpan.FromSeconds(1.0 / TickRate);
        _flushTimer = new Timer(_ => OnFlushTimer(), null, period, Timeout.InfiniteTimeSpan);
        _renewTimer = new Timer(_ => Watch(), null, WatchPeriod, WatchPeriod);
    }

    /// <summary>Adds a member; false when the room is closed (the caller gets a fresh room).</summary>
    public bool TryAdd(GameClient client)
    {
        lock (_membersLock)
        {
            if (_closed)
            {
                return false;
            }

            if (Array.IndexOf(_members, client) < 0)
            {
                Volatile.Write(ref _members, [.. _members, client]);
            }

            return true;
        }
    }

    /// <summary>
    /// Adds a member (if it is not one) and sends it the battle's definition and <c>BattleStart</c>, under the frame lock:
    /// no snapshot goes out between the two, so the client's first snapshot comes after its start (the client resets its
    /// snapshot state on a start, and would wipe one that came before). False when the room is closed.
    /// </summary>
    public bool TryAdmit(GameClient client, BattlePlayer player)
    {
        lock (_frameLock)
        {
            if (!TryAdd(client))
            {
                return false;
            }

            RestartStream(client, player);
            return true;
        }
    }

    /// <summary>A member asked again (<c>JoinQueue</c> while in the battle): the start again, then a full snapshot.</summary>
    public void ResendBattleStart(GameClient client, BattlePlayer player)
    {
        lock (_frameLock)
        {
            RestartStream(client, player);
        }
    }

    /// <summary>
    /// Under the frame lock: the client's ack is forgotten (acks still on their way, of ticks sent before, are ignored)
    /// and the start goes out; the next frame brings it a full snapshot.
    /// </summary>
    private void RestartStream(GameClient client, BattlePlayer player)
    {
        lock (client)
        {
            client.RestartStream(_histories[0].HasNewest ? _histories[0].NewestTick : _newestBeforeRestart);
        }

        SendBattleStart(client, player);
    }

    /// <summary>Removes a member; returns how many are left.</summary>
    public int Remove(GameClient client)
    {
        lock (_membersLock)
        {
            var index = Array.IndexOf(_members, client);
            if (index >= 0)
            {
                var members = new GameClient[_members.Length - 1];
                _members.AsSpan(0, index).CopyTo(members);
                _members.AsSpan(index + 1).CopyTo(members.AsSpan(index));
                Volatile.Write(ref _members, members);
            }

            return _members.Length;
        }
    }

    /// <summary>Closes the room if it has no member (under the members lock, so a concurrent join sees it closed and starts over).</summary>
    public bool CloseIfEmpty()
    {
        lock (_membersLock)
        {
            if (_members.Length > 0 || _closed)
            {
                return false;
            }

            _closed = true;
            return true;
        }
    }

    /// <summary>Stores a player's input for the next batch: the latest wins, but a fire press in the same tick is kept.</summary>
    public void AddInput(in PlayerInput input)
    {
        lock (_inputLock)
        {
            if (_pending.TryGetValue(input.UserId, out var previous) && previous.Fire && !input.Fire)
            {
                _pending[input.UserId] = input with { Fire = true };
            }
            else
            {
                _pending[input.UserId] = input;
            }
        }
    }

    /// <summary>The tank of a player who left or dropped: stop, keep the aim, hold fire.</summary>
    public void Idle(long userId, float turretYaw)
    {
        lock (_inputLock)
        {
            _pending[userId] = new PlayerInput(userId, 0, 0, turretYaw, false, 0);
        }

        FlushInputs(); // now: the player may be gone before the next tick
    }

    /// <summary>Writes this battle's <c>BattleStart</c> for one player; returns its length.</summary>
    public int WriteBattleStart(Span<byte> destination, BattlePlayer player)
        => BattleStartMessage.Write(
            destination, BattleId, Assignment.MapId, (byte)TickRate, (ushort)player.Slot, (byte)player.Team, Definition.Hash, _roster);

    /// <summary>
    /// Sends the battle's <c>BattleDefinition</c> and then its <c>BattleStart</c> to one client (from the receive thread or
    /// an Orleans thread): every start comes right behind its definition, so a client that lost either asks again
    /// (<c>JoinQueue</c>) and gets both.
    /// </summary>
    private void SendBattleStart(GameClient client, BattlePlayer player)
    {
        lock (_startBuffer)
        {
            foreach (var part in Definition.Messages)
            {
                _gateway.Send(client, part);
            }

            var length = WriteBattleStart(_startBuffer, player);
            _gateway.Send(client, _startBuffer.AsSpan(0, length));
        }
    }

    public void OnFrames(ImmutableArray<BattleFrame> frames)
    {
        // The whole fan-out (every member's snapshot parts and events) leaves in a few sendmmsg calls.
        using (_gateway.BeginSendBatch())
        {
            foreach (var frame in frames)
            {
                OnFrame(frame);
            }
        }

        RearmFlush((1 - FlushLead) / TickRate);
    }

    private void OnFlushTimer()
    {
        FlushInputs();
        RearmFlush(1.0 / TickRate); // the next frame re-arms it sooner
    }

    private void RearmFlush(double seconds)
    {
        try
        {
            if (!_closed)
            {
                _flushTimer?.Change(TimeSpan.FromSeconds(seconds), Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // closed meanwhile
        }
    }

    /// <summary>The team of a tank id (slot); 0 for an id outside the roster.</summary>
    private int TeamOf(ushort tankId) => tankId < _teamOfTank.Length ? _teamOfTank[tankId] : 0;

    private void OnFrame(BattleFrame frame)
    {
        if (_closed)
        {
            return;
        }

        lock (_frameLock)
        {
            if (frame.Epoch < _epoch)
            {
                return; // from an activation the battle has left behind
            }

            if (frame.Epoch > _epoch)
            {
                var resumed = _epoch >= 0;
                _epoch = frame.Epoch;
                if (resumed)
                {
                    Restart();
                }
            }

            if (_histories[0].HasNewest && frame.Tick <= _histories[0].NewestTick)
            {
                // Overtaken on the way (observer messages are not ordered): a newer state already went out, so this
                // state is of no use, but its events are in no other frame. They go out unless this tick went out before.
                // Its state is kept in the history (never sent; clients ack only what they received), so a second copy
                // of the frame is known and its events do not go out twice.
                var tick = (uint)frame.Tick;
                var newest = _histories[0];
                if (!newest.Contains(tick))
                {
                    if (newest.NewestTick - tick < (uint)newest.Capacity
                        && WorldState.TryRead(frame.State, _scratch) == SnapshotReadResult.Ok)
                    {
                        for (var team = 0; team < 2; team++)
                        {
                            _teamView.CopyTeamView(_scratch, team);
                            _histories[team].Store(_teamView);
                        }
                    }

                    SendEvents(frame, Volatile.Read(ref _members));
                }

                return;
            }

            Volatile.Write(ref _lastFrameAt, Stopwatch.GetTimestamp());
            Volatile.Write(ref _silentSince, 0);

            if (WorldState.TryRead(frame.State, _scratch) != SnapshotReadResult.Ok)
            {
                _gateway.BadFrame(BattleId, frame.Tick);
                return;
            }

            var members = Volatile.Read(ref _members);
            var encoder = t_encoder ??= new SnapshotEncoder();
            var metrics = _gateway.Metrics;
            var delta = _gateway.DeltaSnapshots;
            for (var team = 0; team < 2; team++)
            {
                _teamView.CopyTeamView(_scratch, team);
                var history = _histories[team];
                var state = history.Store(_teamView);
                scoped EncodedSnapshot encoded = default;
                SnapshotAck encodedFor = default;
                var haveEncoded = false;
                SnapshotAck ack = default; // declared with `encoded`: the encoder's result may refer to it
                for (var i = 0; i < members.Length; i++)
                {
                    var client = members[i];
                    ushort tankId;
                    lock (client)
                    {
                        if (client.Gone || client.Room != this)
                        {
                            continue;
                        }

                        ack = delta ? client.Ack : default;
                        tankId = client.TankId;
                    }

                    if (TeamOf(tankId) != team)
                    {
                        continue;
                    }

                    // The one per-client field of a snapshot: the client's own newest input that this tick reflects.
                    var inputAck = state.LastInputOf(tankId);

                    // Clients mostly ack the same tick: encode again only when this client's ack differs from the last
                    // one encoded for (the encoder's result stays valid until its next call).
                    if (!haveEncoded || ack.HasAck != encodedFor.HasAck || ack.Tick != encodedFor.Tick)
                    {
                        encoded = encoder.Encode(state, history, ack);
                        encodedFor = ack;
                        haveEncoded = true;
                    }

                    for (var p = 0; p < encoded.PartCount; p++)
                    {
                        _gateway.Send(client, encoded.Part(p, inputAck));
                    }

                    metrics.Snapshot(encoded.IsFull, encoded.TotalBytes);
                }
            }

            SendEvents(frame, members);
        }
    }

    /// <summary>
    /// A frame's events: usually one BattleEvents message; a busy tick's go on in further messages of the same tick. Each
    /// team gets its own (null: the battle has no spotting, everyone gets them all).
    /// </summary>
    private void SendEvents(BattleFrame frame, GameClient[] members)
    {
        for (var team = 0; team < 2; team++)
        {
            ReadOnlySpan<byte> events = (team == 0 ? frame.EventsTeam0 : frame.EventsTeam1) ?? frame.Events;
            while (events.Length > 0 && BattleEventsMessage.TryMeasure(events, out var length))
            {
                foreach (var client in members)
                {
                    if (TeamOf(Volatile.Read(ref client.TankId)) == team)
                    {
                        _gateway.Send(client, events[..length]);
                    }
                }

                events = events[length..];
            }
        }
    }

    /// <summary>
    /// The battle resumed from a checkpoint on another silo (a new epoch): its ticks carry on above the old ones, but the
    /// baselines are gone with the lost activation. Every player gets <c>BattleStart</c> again (clients reset their
    /// snapshot state on it) and then a full snapshot. Called under the frame lock.
    /// </summary>
    private void Restart()
    {
        _newestBeforeRestart = _histories[0].HasNewest ? _histories[0].NewestTick : _newestBeforeRestart;
        _histories[0].Clear();
        _histories[1].Clear();
        var members = Volatile.Read(ref _members);
        foreach (var client in members)
        {
            BattlePlayer? player = null;
            lock (client)
            {
                if (client.Gone || client.Room != this)
                {
                    continue;
                }

                client.RestartStream(_newestBeforeRestart);
                _players.TryGetValue(client.UserId, out player);
            }

            if (player is not null)
            {
                SendBattleStart(client, player);
            }
        }

        _gateway.BattleResumed(this, members.Length);
    }

    /// <summary>The watchdog: renews the subscription every <see cref="GameGateway.RenewPeriod"/>, and at once when frames stop.</summary>
    private void Watch()
    {
        if (_closed)
        {
            return;
        }

        if (MemberCount == 0)
        {
            _gateway.CloseIfEmpty(this);
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var stalled = Stopwatch.GetElapsedTime(Volatile.Read(ref _lastFrameAt), now) > StallTimeout;
        var due = Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSubscribedAt), now) >= GameGateway.RenewPeriod;
        if ((stalled || due) && Interlocked.CompareExchange(ref _subscribing, 1, 0) == 0)
        {
            if (stalled && Volatile.Read(ref _silentSince) == 0)
            {
                Volatile.Write(ref _silentSince, now);
            }

            _ = RenewAsync();
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            await _gateway.SubscribeAsync(this);
        }
        finally
        {
            Volatile.Write(ref _subscribing, 0);
        }
    }

    /// <summary>The subscription was taken (the battle runs).</summary>
    public void Subscribed() => Volatile.Write(ref _lastSubscribedAt, Stopwatch.GetTimestamp());

    /// <summary>How long the battle has sent no frame while this room waited for it (zero while frames flow).</summary>
    public TimeSpan Silence
    {
        get
        {
            var since = Volatile.Read(ref _silentSince);
            return since == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(since);
        }
    }

    /// <summary>The battle is gone for good (no state, or silent too long): its players get <c>BattleEnd</c> aborted.</summary>
    public void EndLost()
    {
        var players = Assignment.Players
            .Select(p => new PlayerOutcome(p.UserId, p.Team, 0, 0, 0, 0, 0, true))
            .ToImmutableArray();
        OnBattleEnded(new BattleSummary(BattleId, -1, nameof(BattleEndReasonCode.Aborted), 0, players));
    }

    public void OnBattleEnded(BattleSummary summary)
    {
        if (_closed || Interlocked.Exchange(ref _endSent, 1) != 0)
        {
            return; // one BattleEnd per battle, whether the observer, a renewal's answer or the watchdog brought it
        }

        _ended = true;

        var results = new PlayerResult[summary.Players.Length];
        for (var i = 0; i < results.Length; i++)
        {
            var p = summary.Players[i];
            var slot = _players.TryGetValue(p.UserId, out var player) ? player.Slot : i;
            results[i] = new PlayerResult(
                (ushort)slot, (byte)Math.Clamp(p.Kills, 0, byte.MaxValue), U16(p.DamageDealt), U16(p.DamageReceived), U16(p.Shots), U16(p.Hits));
        }

        var winner = summary.WinnerTeam is 0 or 1 ? (byte)summary.WinnerTeam : BattleEndMessage.Draw;
        var reason = Enum.TryParse<BattleEndReasonCode>(summary.Reason, ignoreCase: true, out var r) && Enum.IsDefined(r)
            ? r
            : BattleEndReasonCode.Aborted;
        var message = new byte[BattleEndMessage.SizeOf(results.Length)];
        BattleEndMessage.Write(message, winner, reason, results);
        var members = Volatile.Read(ref _members);
        // Out of the battle first, then told: a client that queues again the moment it reads BattleEnd must find
        // itself idle here, not be sent this battle's BattleStart again.
        _gateway.BattleEnded(this, members);
        lock (_frameLock)
        {
            foreach (var client in members)
            {
                _gateway.Send(client, message);
            }
        }
    }

    /// <summary>Closes the room whatever its members; true for the one caller that closed it.</summary>
    public bool TryClose()
    {
        lock (_membersLock)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            return true;
        }
    }

    /// <summary>Stops the timers of a closed room; the gateway unsubscribes it.</summary>
    public void Dispose()
    {
        _flushTimer?.Dispose();
        _renewTimer?.Dispose();
    }

    private void FlushInputs()
    {
        if (_closed || Interlocked.CompareExchange(ref _submitting, 1, 0) != 0)
        {
            return; // the previous batch is still on its way: these inputs go with the next tick
        }

        ImmutableArray<PlayerInput> inputs;
        lock (_inputLock)
        {
            if (_pending.Count == 0)
            {
                Volatile.Write(ref _submitting, 0);
                return;
            }

            inputs = [.. _pending.Values];
            _pending.Clear();
        }

        _ = SubmitAsync(new InputBatch(inputs));
    }

    /// <summary>Sends what is still pending now, whatever is in flight (a closing room: a player's last, idling input must not be lost).</summary>
    public async Task FlushPendingAsync()
    {
        ImmutableArray<PlayerInput> inputs;
        lock (_inputLock)
        {
            if (_pending.Count == 0 || _ended)
            {
                return;
            }

            inputs = [.. _pending.Values];
            _pending.Clear();
        }

        try
        {
            await Grain.SubmitInputsAsync(new InputBatch(inputs));
        }
        catch (Exception ex)
        {
            _gateway.SubmitFailed(BattleId, ex);
        }
    }

    private async Task SubmitAsync(InputBatch batch)
    {
        try
        {
            await Grain.SubmitInputsAsync(batch);
        }
        catch (Exception ex)
        {
            _gateway.SubmitFailed(BattleId, ex);
        }
        finally
        {
            Volatile.Write(ref _submitting, 0);
        }
    }

    private static ushort U16(int value) => (ushort)Math.Clamp(value, 0, ushort.MaxValue);
}
