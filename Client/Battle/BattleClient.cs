using System.Diagnostics;
using System.Text;
using Tanks.Client.Game;
using Tanks.Client.Netcode;
using Tanks.Client.Prediction;
using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Client.Battle;

/// <summary>
/// The game over a connected <see cref="NetcodeUdpClient"/>: queue (<see cref="JoinQueueAsync"/>), battle start, inputs
/// (<see cref="SendInput"/>, which carries the sequence and the snapshot ack), snapshots decoded by a
/// <see cref="SnapshotReceiver"/>, battle events and the end. A background loop reads the payloads; events are raised on it
/// (keep handlers short). Thread-safe. Survives a reconnect of the same <see cref="NetcodeUdpClient"/>
/// (<c>TanksClient.ReconnectAsync</c>): join the queue again and the server sends the running battle's start again.
/// <para>
/// Every <c>BattleStart</c> comes right behind the battle's <c>BattleDefinition</c>; a start whose definition (named by
/// its hash) this client does not hold is held back, and the client asks again with <c>JoinQueue</c> once a second, as
/// for a lost <c>BattleStart</c>, until both have arrived. Definitions are kept by hash (a few), so a lost definition of
/// a map seen before costs nothing.
/// </para>
/// <para>
/// Prediction is built in: each complete start builds a <see cref="PredictedBattleView"/> from the battle's own
/// definition (map and tank classes as received, <see cref="BattleDefinitions"/>), every input sent is predicted as it
/// went on the wire, and every decoded snapshot reconciles it with that tick's input ack. Read it with
/// <see cref="TryGetLocalPrediction"/>, <see cref="TryGetRenderedPose"/> and <see cref="SampleTanks"/>; call
/// <see cref="UpdatePrediction"/> per frame. Send one input per server tick: <see cref="RunInputLoopAsync"/> does.
/// docs/client-prediction.md.
/// </para>
/// </summary>
public sealed class BattleClient : IDisposable
{
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Snapshot arrivals the tick clock estimate looks back over (1.6 s at 20 Hz).</summary>
    private const int ArrivalWindow = 32;

    private readonly NetcodeUdpClient _udp;
    private readonly object _lock = new();
    private readonly SnapshotReceiver _snapshots = new();
    private readonly BattleStartGate _starts = new();
    private byte _tankClass = TankClassCodes.Id("medium");
    private ProtocolErrorMessage? _protocolError;
    private readonly byte[] _receiveBuffer = new byte[GameProtocol.MaxMessageBytes];
    private readonly byte[] _sendBuffer = new byte[GameProtocol.MaxMessageBytes];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private uint _sequence;
    private int _queueStatuses;
    private int _battleStarts;
    private int _battleEnds;
    private int _platoonUpdates;
    private int _platoonReplies;
    private PlatoonUpdateMessage? _lastPlatoonReply;
    private PredictedBattleView? _view;
    // Per newest snapshot: its arrival minus tick · period, i.e. when tick 0 "would have arrived"; the minimum over the
    // window is the least delayed arrival, the phase RunInputLoopAsync sends at.
    private readonly long[] _tickZeros = new long[ArrivalWindow];
    private int _tickZeroCount;
    private int _tickZeroNext;
    private long _tickPeriod;

    public BattleClient(NetcodeUdpClient udp)
    {
        _udp = udp;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>A <c>QueueStatus</c> arrived (answer to join/leave, then about once a second while queued).</summary>
    public event Action<QueueStatusMessage>? QueueStatusReceived;

    public event Action<BattleStartInfo>? BattleStarted;

    public event Action<BattleEventsInfo>? BattleEventsReceived;

    public event Action<BattleEndInfo>? BattleEnded;

    /// <summary>
    /// A snapshot was decoded (raised on the receive loop; the state is valid only during the call: copy what you keep):
    /// the state of its tick, that tick's input ack, and whether the prediction was reconciled with it.
    /// </summary>
    public event Action<DecodedSnapshot>? SnapshotDecoded;

    /// <summary>
    /// The server answered <c>ProtocolError</c>. When it speaks another protocol version than this SDK, every wait and
    /// request then throws <see cref="GameProtocolMismatchException"/> ("the server speaks game protocol version N").
    /// </summary>
    public event Action<ProtocolErrorMessage>? ProtocolErrorReceived;

    /// <summary>The server's <c>ProtocolError</c> naming another protocol version, if it sent one.</summary>
    public ProtocolErrorMessage? ProtocolError => _protocolError;

    /// <summary>
    /// A <c>PlatoonUpdate</c> arrived: the answer to your platoon request (<see cref="PlatoonUpdateMessage.IsReply"/>), an
    /// invitation (<see cref="PlatoonUpdateKind.Invited"/>) or your platoon changing.
    /// </summary>
    public event Action<PlatoonUpdateMessage>? PlatoonUpdated;

    public QueueStatusMessage? LastQueueStatus { get; private set; }

    /// <summary>The newest <c>PlatoonUpdate</c> (an invitation included).</summary>
    public PlatoonUpdateMessage? LastPlatoonUpdate { get; private set; }

    /// <summary>Your platoon as last heard (null: none); invitations and refused requests do not change it.</summary>
    public PlatoonUpdateMessage? Platoon { get; private set; }

    /// <summary>How many <c>PlatoonUpdate</c>s arrived (for <see cref="WaitForPlatoonUpdateAsync"/>).</summary>
    public int PlatoonUpdates => Volatile.Read(ref _platoonUpdates);

    /// <summary>The battle you are in (from the newest <c>BattleStart</c>); null before one and after its end.</summary>
    public BattleStartInfo? Battle { get; private set; }

    /// <summary>The definition of the battle you are in (map, rules, tank classes); null outside a battle.</summary>
    public BattleDefinition? Definition => Battle?.Definition;

    /// <summary>
    /// The input ack of the newest decoded snapshot: that tick's state reflects every input this client sent up to this
    /// sequence (0 = none yet). Compare with <see cref="LastInputSequence"/> to know which inputs to replay when predicting.
    /// </summary>
    public uint LatestInputAck
    {
        get
        {
            lock (_lock)
            {
                return _snapshots.LatestInputAck;
            }
        }
    }

    /// <summary>The sequence of the newest input sent (<see cref="SendInput"/>; the first is 1).</summary>
    public uint LastInputSequence
    {
        get
        {
            lock (_lock)
            {
                return _sequence;
            }
        }
    }

    /// <summary>The newest <c>BattleEnd</c>.</summary>
    public BattleEndInfo? LastBattleEnd { get; private set; }

    public int BattleStarts => Volatile.Read(ref _battleStarts);

    public int BattleEnds => Volatile.Read(ref _battleEnds);

    /// <summary>Snapshots decoded in the current battle.</summary>
    public int SnapshotsDecoded
    {
        get
        {
            lock (_lock)
            {
                return _snapshots.Decoded;
            }
        }
    }

    /// <summary>The newest decoded tick, or null before the first snapshot.</summary>
    public uint? LatestTick
    {
        get
        {
            lock (_lock)
            {
                return _snapshots.Latest?.Tick;
            }
        }
    }

    /// <summary>Copies the newest decoded world state into <paramref name="into"/>; false before the first snapshot.</summary>
    public bool TryCopyLatest(WorldState into)
    {
        lock (_lock)
        {
            if (_snapshots.Latest is not { } latest)
            {
                return false;
            }

            into.CopyFrom(latest);
            return true;
        }
    }

    /// <summary>Queues for a battle with a tank class (<see cref="TankClassCodes"/>) and returns the server's answer (retried over UDP loss).</summary>
    public Task<QueueStatusMessage> JoinQueueAsync(byte tankClass, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        _tankClass = tankClass;
        return RequestStatusAsync(buffer => new JoinQueueMessage(tankClass).WriteTo(buffer), timeout, cancellationToken);
    }

    /// <summary>Leaves the queue and returns the server's answer.</summary>
    public Task<QueueStatusMessage> LeaveQueueAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => RequestStatusAsync(buffer => EmptyMessage.Write(buffer, GameMessageType.LeaveQueue), timeout, cancellationToken);

    /// <summary>Invites a player into your platoon (you lead it if you are in none) and returns the server's answer.</summary>
    public Task<PlatoonUpdateMessage> InvitePlatoonAsync(string userName, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => RequestPlatoonAsync(buffer => new PlatoonInviteMessage(userName).WriteTo(buffer), timeout, cancellationToken);

    /// <summary>Accepts or declines the invitation of <paramref name="leaderId"/>'s platoon and returns the server's answer.</summary>
    public Task<PlatoonUpdateMessage> AnswerPlatoonAsync(long leaderId, bool accept, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => RequestPlatoonAsync(buffer => new PlatoonAnswerMessage(leaderId, accept).WriteTo(buffer), timeout, cancellationToken);

    /// <summary>Leaves your platoon (as its leader: disbands it) and returns the server's answer.</summary>
    public Task<PlatoonUpdateMessage> LeavePlatoonAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => RequestPlatoonAsync(buffer => PlatoonLeaveMessage.Write(buffer), timeout, cancellationToken);

    /// <summary>As the leader, removes a member (or withdraws an invitation) and returns the server's answer.</summary>
    public Task<PlatoonUpdateMessage> KickAsync(long userId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => RequestPlatoonAsync(buffer => new PlatoonKickMessage(userId).WriteTo(buffer), timeout, cancellationToken);

    /// <summary>Waits for a <c>PlatoonUpdate</c> beyond the first <paramref name="after"/> ones that satisfies <paramref name="match"/> (the newest is tested).</summary>
    public async Task<PlatoonUpdateMessage> WaitForPlatoonUpdateAsync(
        Func<PlatoonUpdateMessage, bool> match, int after = 0, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await WaitUntilAsync(() => PlatoonUpdates > after && LastPlatoonUpdate is { } last && match(last), timeout ?? TimeSpan.FromSeconds(10), "PlatoonUpdate", cancellationToken);
        return LastPlatoonUpdate!;
    }

    /// <summary>
    /// Sends this tick's controls: throttle and steering in -1..1 (+1 steers left), the turret's world yaw in radians, fire.
    /// Adds the input sequence and the ack (newest decoded snapshot tick). Send once per server tick.
    /// </summary>
    public bool SendInput(float throttle, float steering, float turretYaw, bool fire)
    {
        lock (_lock)
        {
            var input = new InputMessage(
                ++_sequence, InputMessage.Axis(throttle), InputMessage.Axis(steering), SnapshotQuantizer.Angle(turretYaw),
                fire ? InputButtons.Fire : InputButtons.None, _snapshots.AckTick);
            var length = input.WriteTo(_sendBuffer);
            if (!_udp.SendPayload(_sendBuffer.AsSpan(0, length)))
            {
                return false; // never on the wire: the server will not apply it, so neither does the prediction
            }

            // Exactly what the server will decode: the sequence and the quantized controls.
            _view?.OnInputSent(in input);
            return true;
        }
    }

    /// <summary>
    /// Sends one input per server tick until the battle ends (or <paramref name="cancellationToken"/> fires; then it
    /// returns): each tick calls <paramref name="control"/> with the newest decoded state and sends what it returns
    /// (null: nothing this tick). Paced by a <see cref="TickPacer"/> at the battle's tick rate, anchored just after the
    /// least delayed snapshot arrivals so each input reaches the server inside one tick. Returns the inputs sent.
    /// </summary>
    public async Task<long> RunInputLoopAsync(Func<InputLoopTick, TankControls?> control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(control);
        var battle = Battle ?? throw new InvalidOperationException("not in a battle: wait for BattleStart first");
        var ends = BattleEnds;
        var state = new WorldState();
        using var pacer = new TickPacer(battle.TickRate);
        long sent = 0;
        long index = 0;
        try
        {
            while (BattleEnds == ends && Battle is not null && await pacer.WaitAsync(cancellationToken))
            {
                if (TryGetTickZero(out var zero))
                {
                    pacer.Anchor(zero + pacer.Period / 10); // a tenth of a tick after the snapshot: far from both batch edges
                }

                var latest = TryCopyLatest(state) ? state : null;
                if (control(new InputLoopTick(index++, latest, battle)) is { } c && SendInput(c.Throttle, c.Steering, c.TurretYaw, c.Fire))
                {
                    sent++;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return sent;
    }

    /// <summary>The map the prediction runs on (the battle's definition, as received); null outside a battle.</summary>
    public MapDefinition? PredictionMap
    {
        get
        {
            lock (_lock)
            {
                return _view?.Local.Map;
            }
        }
    }

    /// <summary>The tank classes the prediction runs with (index = class id); null outside a battle.</summary>
    public IReadOnlyList<TankClass>? PredictionClasses
    {
        get
        {
            lock (_lock)
            {
                return _view?.Local.Classes;
            }
        }
    }

    /// <summary>The local tank as predicted (false outside a battle and before the first snapshot with it).</summary>
    public bool TryGetLocalPrediction(out LocalPrediction prediction)
    {
        lock (_lock)
        {
            if (_view is not { Local: { HasState: true } p })
            {
                prediction = default;
                return false;
            }

            prediction = new LocalPrediction(
                p.Predicted, p.Rendered, p.Server, p.PredictedTick, p.ServerTick, p.LastAppliedInput, p.NewestSequence,
                p.PendingInputs, p.LastCorrection, p.CorrectionOffset, p.Reconciliations, p.Snaps, p.IsAlive);
            return true;
        }
    }

    /// <summary>
    /// What to draw of the local tank <paramref name="tickFraction"/> (0..1) of the way from the previous predicted tick
    /// to the newest, with the correction being smoothed away (<see cref="LocalTankPredictor.RenderedAt"/>).
    /// </summary>
    public bool TryGetRenderedPose(float tickFraction, out TankPose pose)
    {
        lock (_lock)
        {
            if (_view is not { Local: { HasState: true } p })
            {
                pose = default;
                return false;
            }

            pose = p.RenderedAt(tickFraction);
            return true;
        }
    }

    /// <summary>Per rendered frame: lets <paramref name="elapsedSeconds"/> of the local tank's correction decay.</summary>
    public void UpdatePrediction(float elapsedSeconds)
    {
        lock (_lock)
        {
            _view?.Update(elapsedSeconds);
        }
    }

    /// <summary>
    /// The tick to draw the other tanks at: newest snapshot tick − the interpolation delay (2 ticks); null before a
    /// snapshot. Advance your render tick smoothly toward it with the frame clock.
    /// </summary>
    public double? RenderTick
    {
        get
        {
            lock (_lock)
            {
                return _view is { Others.IsEmpty: false } v ? v.RenderTick : null;
            }
        }
    }

    /// <summary>
    /// Writes every tank to draw into <paramref name="output"/>: the others interpolated at <paramref name="renderTick"/>,
    /// yours predicted (<paramref name="localTickFraction"/> into its tick, correction smoothed). Returns the count (0
    /// outside a battle). Size the span for <see cref="SnapshotLimits.MaxTanks"/>.
    /// </summary>
    public int SampleTanks(double renderTick, float localTickFraction, Span<InterpolatedTank> output)
    {
        lock (_lock)
        {
            return _view?.SampleTanks(renderTick, localTickFraction, output) ?? 0;
        }
    }

    /// <summary>
    /// The prediction first made for server tick <paramref name="tick"/> (the last 256 ticks; see
    /// <see cref="LocalTankPredictor.TryGetFirstPrediction"/>): to compare what was predicted with what the server did.
    /// </summary>
    public bool TryGetFirstPrediction(uint tick, out PredictionRecord record)
    {
        lock (_lock)
        {
            record = default;
            return _view is { } v && v.Local.TryGetFirstPrediction(tick, out record);
        }
    }

    /// <summary>Leaves the running battle (the tank idles; the server sends nothing more of it).</summary>
    public bool Leave()
    {
        lock (_lock)
        {
            Battle = null;
            _view = null;
            _starts.Clear();
            var length = EmptyMessage.Write(_sendBuffer, GameMessageType.Leave);
            return _udp.SendPayload(_sendBuffer.AsSpan(0, length));
        }
    }

    /// <summary>Waits for a <c>BattleStart</c> beyond the first <paramref name="after"/> ones (default: any, the current battle counts).</summary>
    public async Task<BattleStartInfo> WaitForBattleStartAsync(int after = 0, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await WaitUntilAsync(() => BattleStarts > after, timeout ?? TimeSpan.FromSeconds(30), "BattleStart", cancellationToken);
        return Battle ?? throw new InvalidOperationException("the battle ended already");
    }

    /// <summary>Waits for a <c>BattleEnd</c> beyond the first <paramref name="after"/> ones.</summary>
    public async Task<BattleEndInfo> WaitForBattleEndAsync(int after = 0, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await WaitUntilAsync(() => BattleEnds > after, timeout ?? TimeSpan.FromMinutes(8), "BattleEnd", cancellationToken);
        return LastBattleEnd!;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _pump.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task<QueueStatusMessage> RequestStatusAsync(Func<byte[], int> write, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var seen = Volatile.Read(ref _queueStatuses);
            lock (_lock)
            {
                var length = write(_sendBuffer);
                _udp.SendPayload(_sendBuffer.AsSpan(0, length));
            }

            var retryAt = DateTime.UtcNow + RetryPeriod;
            while (Volatile.Read(ref _queueStatuses) == seen && DateTime.UtcNow < retryAt)
            {
                await Task.Delay(5, cancellationToken);
            }

            if (Volatile.Read(ref _queueStatuses) != seen)
            {
                return LastQueueStatus!.Value;
            }

            ThrowIfProtocolError();
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"no QueueStatus within {limit}");
            }
        }
    }

    /// <summary>Sends a platoon request, again each second until its answer (a <c>PlatoonUpdate</c> flagged reply) comes; repeats are harmless.</summary>
    private async Task<PlatoonUpdateMessage> RequestPlatoonAsync(Func<byte[], int> write, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        var seen = Volatile.Read(ref _platoonReplies);
        while (true)
        {
            lock (_lock)
            {
                var length = write(_sendBuffer);
                _udp.SendPayload(_sendBuffer.AsSpan(0, length));
            }

            var retryAt = DateTime.UtcNow + RetryPeriod;
            while (Volatile.Read(ref _platoonReplies) == seen && DateTime.UtcNow < retryAt)
            {
                await Task.Delay(5, cancellationToken);
            }

            if (Volatile.Read(ref _platoonReplies) != seen)
            {
                return Volatile.Read(ref _lastPlatoonReply)!; // not LastPlatoonUpdate: a push may have come right after
            }

            ThrowIfProtocolError();
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"no PlatoonUpdate answer within {limit}");
            }
        }
    }

    private void ThrowIfProtocolError()
    {
        if (_protocolError is { } error)
        {
            throw new GameProtocolMismatchException(error.ServerVersion, error.Code);
        }
    }

    private async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            ThrowIfProtocolError();
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"no {what} within {timeout}");
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    private async Task PumpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var any = false;
            while (_udp.TryReceivePayload(_receiveBuffer, out var length))
            {
                any = true;
                Handle(_receiveBuffer.AsSpan(0, length));
            }

            AskAgainIfStartIsMissingItsDefinition();
            if (!any)
            {
                try
                {
                    await Task.Delay(2, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One server payload; anything unreadable is ignored.</summary>
    private void Handle(ReadOnlySpan<byte> payload)
    {
        if (GameProtocol.ReadHeader(payload, out var type) != GameMessageReadResult.Ok)
        {
            return;
        }

        switch (type)
        {
            case GameMessageType.Snapshot:
                OnSnapshot(payload);
                break;
            case GameMessageType.BattleEvents when BattleEventsMessage.TryRead(payload, out var view) == GameMessageReadResult.Ok:
                var events = new List<WireEvent>(view.Count);
                foreach (var e in view)
                {
                    events.Add(e);
                }

                BattleEventsReceived?.Invoke(new BattleEventsInfo(view.Tick, events));
                break;
            case GameMessageType.QueueStatus when QueueStatusMessage.TryRead(payload, out var status) == GameMessageReadResult.Ok:
                LastQueueStatus = status;
                Interlocked.Increment(ref _queueStatuses);
                QueueStatusReceived?.Invoke(status);
                break;
            case GameMessageType.PlatoonUpdate when PlatoonUpdateMessage.TryRead(payload, out var platoon) == GameMessageReadResult.Ok:
                // A refused request says nothing about your platoon (the roster is the other platoon's, or none).
                var refused = platoon!.IsReply && platoon.Result != PlatoonResultCode.Ok;
                if (!refused && platoon.Kind == PlatoonUpdateKind.Disbanded)
                {
                    Platoon = null;
                }
                else if (!refused && platoon.Kind == PlatoonUpdateKind.Update && platoon.Members.Count > 0)
                {
                    Platoon = platoon;
                }

                LastPlatoonUpdate = platoon;
                Interlocked.Increment(ref _platoonUpdates);
                if (platoon.IsReply)
                {
                    Volatile.Write(ref _lastPlatoonReply, platoon);
                    Interlocked.Increment(ref _platoonReplies);
                }

                PlatoonUpdated?.Invoke(platoon);
                break;
            case GameMessageType.BattleDefinition:
                OnDefinitionPart(payload);
                break;
            case GameMessageType.ProtocolError when ProtocolErrorMessage.TryRead(payload, out var error) == GameMessageReadResult.Ok:
                if (error.ServerVersion != GameProtocol.Version)
                {
                    // A server of another version: nothing this client sends will work. (A server of this version that
                    // complains answered raw bytes the application sent itself; the SDK's own messages are fine.)
                    _protocolError = error;
                }

                ProtocolErrorReceived?.Invoke(error);
                break;
            case GameMessageType.BattleStart when TryReadStart(payload, out var start):
                BattleStartInfo? complete;
                lock (_lock)
                {
                    _snapshots.Reset(); // ticks start over; the server sends a full snapshot first
                    _view = null; // so does the prediction (built again once the start is complete)
                    // Without its definition (lost or overtaken) the start is held and the client asks again.
                    complete = _starts.OnStart(start, DateTime.UtcNow);
                }

                if (complete is not null)
                {
                    Start(complete);
                }

                break;
            case GameMessageType.BattleEnd when BattleEndMessage.TryRead(payload, out var end) == GameMessageReadResult.Ok:
                var players = new PlayerResult[end.PlayerCount];
                for (var i = 0; i < players.Length; i++)
                {
                    players[i] = end.Player(i);
                }

                var info = new BattleEndInfo(end.Winner, end.Reason, players);
                LastBattleEnd = info;
                Battle = null;
                lock (_lock)
                {
                    _starts.Clear();
                    _view = null;
                }

                Interlocked.Increment(ref _battleEnds);
                BattleEnded?.Invoke(info);
                break;
        }
    }

    private void Start(BattleStartInfo start)
    {
        lock (_lock)
        {
            Battle = start;
            // The battle's own map and classes, as the server simulates them (not this SDK's built-in copies).
            var definition = start.Definition;
            _view = new PredictedBattleView(definition.ToMap(), definition.ToTankClasses(), start.TickRate, start.TankId);
            _tickPeriod = Stopwatch.Frequency / start.TickRate;
            _tickZeroCount = _tickZeroNext = 0;
        }

        Interlocked.Increment(ref _battleStarts);
        BattleStarted?.Invoke(start);
    }

    private void OnSnapshot(ReadOnlySpan<byte> payload)
    {
        WorldState? decoded = null;
        uint ack = 0;
        var reconciled = false;
        lock (_lock)
        {
            if (_snapshots.Receive(payload) == SnapshotReadResult.Ok)
            {
                var tick = _snapshots.LastDecodedTick;
                if (_snapshots.TryGetState(tick, out var state) && _snapshots.TryGetInputAck(tick, out ack))
                {
                    decoded = state;
                    // That tick's own ack (a late snapshot's is older than LatestInputAck).
                    reconciled = _view?.OnSnapshot(state, ack) ?? false;
                    if (_view is not null && _snapshots.Latest?.Tick == tick)
                    {
                        _tickZeros[_tickZeroNext] = Stopwatch.GetTimestamp() - tick * _tickPeriod;
                        _tickZeroNext = (_tickZeroNext + 1) % ArrivalWindow;
                        _tickZeroCount = Math.Min(_tickZeroCount + 1, ArrivalWindow);
                    }
                }
            }
        }

        if (decoded is not null)
        {
            SnapshotDecoded?.Invoke(new DecodedSnapshot(decoded, ack, reconciled));
        }
    }

    /// <summary>When tick 0's snapshot would have arrived with the least delay seen lately (a Stopwatch timestamp).</summary>
    private bool TryGetTickZero(out long zero)
    {
        lock (_lock)
        {
            zero = long.MaxValue;
            for (var i = 0; i < _tickZeroCount; i++)
            {
                zero = Math.Min(zero, _tickZeros[i]);
            }

            return _tickZeroCount > 0;
        }
    }

    private void OnDefinitionPart(ReadOnlySpan<byte> payload)
    {
        BattleStartInfo? ready;
        lock (_lock)
        {
            ready = _starts.OnDefinitionPart(payload);
        }

        if (ready is not null)
        {
            Start(ready);
        }
    }

    private void AskAgainIfStartIsMissingItsDefinition()
    {
        lock (_lock)
        {
            if (!_starts.ShouldAskAgain(DateTime.UtcNow))
            {
                return;
            }

            var length = new JoinQueueMessage(_tankClass).WriteTo(_sendBuffer);
            _udp.SendPayload(_sendBuffer.AsSpan(0, length));
        }
    }

    private static bool TryReadStart(ReadOnlySpan<byte> payload, out BattleStartInfo start)
    {
        start = null!;
        if (BattleStartMessage.TryRead(payload, out var view) != GameMessageReadResult.Ok)
        {
            return false;
        }

        var players = new BattlePlayer[view.PlayerCount];
        for (var i = 0; i < players.Length; i++)
        {
            players[i] = view.Player(i);
        }

        start = new BattleStartInfo(
            view.BattleId, Encoding.UTF8.GetString(view.MapIdUtf8), view.TickRate, view.YourTankId, view.Team, players, view.DefinitionHash, null!);
        return true;
    }
}
