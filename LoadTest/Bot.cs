using System.Diagnostics;
using Tanks.Client.Auth;
using Tanks.Client.Game;
using Tanks.Client.Netcode;
using Tanks.Protocol.Game;
using Tanks.Protocol.Netcode;
using Tanks.Protocol.Snapshots;

namespace Tanks.LoadTest;

/// <summary>
/// One bot: logs in over TCP (registers on <c>invalid_credentials</c>), connects over UDP, queues, plays, requeues. Its socket
/// is updated only by the driver thread that owns it (<see cref="Pump"/>); only the login runs elsewhere (a task), and
/// it hands over through <see cref="_phase"/>. No timer and no task of its own while connected. Trouble (gaps, stuck or
/// resumed battles, reconnects) is judged by <see cref="BotTrouble"/> from the same passes. A lost connection or a stuck
/// battle starts over: <c>refresh</c> over TCP (a login if that fails), UDP, <c>JoinQueue</c> (the server sends a player
/// still in a battle back into it), after a backoff that doubles from 2 s to 16 s, with jitter.
/// </summary>
public sealed class Bot
{
    private static readonly long JoinRetryTicks = Stopwatch.Frequency;
    private static readonly long FireTimeoutTicks = 2 * Stopwatch.Frequency;
    private static readonly long RetryBackoffTicks = 2 * Stopwatch.Frequency;
    private static readonly long MaxRetryBackoffTicks = 16 * Stopwatch.Frequency;
    // How long a bot on UDP may go without a pass when its socket stays quiet (netcode resends and timeouts are coarser).
    private static readonly long HousekeepingTicks = Stopwatch.Frequency / 40;

    private readonly LoadOptions _options;
    private readonly LoadMetrics _metrics;
    private readonly string _name;
    private readonly byte _tankClass;
    private readonly float _wobbleSeed;
    private readonly byte[] _receive = new byte[GameProtocol.MaxMessageBytes];
    private readonly byte[] _send = new byte[GameProtocol.MaxMessageBytes];
    private readonly SnapshotReceiver _snapshots = new();
    private readonly TickWindow _ticks;
    private readonly long _inputPeriodTicks;
    private readonly BotTrouble _trouble;

    private volatile Phase _phase = Phase.Idle;
    private byte[]? _connectToken;
    private NetcodeUdpClient? _udp;
    private long _phaseSince;
    private long _retryAt;
    private long _joinSentAt;
    private long _nextInputAt;
    private long _nextPumpAt;
    private uint _sequence;
    private bool _connectedCounted;
    private string? _refreshToken; // from the last session: a reconnect refreshes (cheap) instead of logging in (Argon2id)
    private int _failures; // since the bot was last in play: the backoff doubles with each

    // Battle
    private ushort _tankId;
    private byte _team;
    private long _share;
    private long _fireSentAt;

    public Bot(int index, LoadOptions options, LoadMetrics metrics)
    {
        Index = index;
        _options = options;
        _metrics = metrics;
        _name = options.BotName(index);
        _tankClass = BotBrain.ClassOf(options.TankClass, index);
        _wobbleSeed = (float)new Random(HashCode.Combine(options.Seed, index)).NextDouble() * 2 - 1;
        _inputPeriodTicks = Stopwatch.Frequency / options.TickRate;
        _ticks = new TickWindow(metrics);
        _trouble = new BotTrouble(metrics.Trouble, options.Trouble);
    }

    private enum Phase
    {
        Idle,
        LoggingIn,
        LoggedIn,
        Connecting,
        Joining,
        Queued,
        InBattle,
        Backoff,
        Stopped,
    }

    public int Index { get; }

    /// <summary>The bot's netcode client while it is on UDP (the driver watches its socket for datagrams), else null.</summary>
    public NetcodeUdpClient? Udp => _udp;

    /// <summary>
    /// Whether a pass must pump this bot although its socket has nothing to read: it is not on UDP (cheap, no socket), or
    /// an input or the netcode housekeeping is due.
    /// </summary>
    public bool IsDue(long now) => _phase is not (Phase.Connecting or Phase.Joining or Phase.Queued or Phase.InBattle) || now >= _nextPumpAt;

    /// <summary>Starts the login (TCP) on the thread pool; the driver thread takes over once the token is there.</summary>
    public void Start(SemaphoreSlim authSlots, CancellationToken cancellationToken)
    {
        if (_phase is not (Phase.Idle or Phase.Backoff))
        {
            return;
        }

        _phase = Phase.LoggingIn;
        _ = Task.Run(() => LoginAsync(authSlots, cancellationToken), CancellationToken.None);
    }

    /// <summary>One pass of the driver: socket, state machine, payloads, input when due. Driver thread only.</summary>
    /// <param name="readable">null: no readiness polling (drain the socket); true/false: the OS did or did not report datagrams.</param>
    public void Pump(long now, bool? readable, SemaphoreSlim authSlots, CancellationToken cancellationToken)
    {
        _trouble.CheckRejoin(now);
        switch (_phase)
        {
            case Phase.Backoff when now >= _retryAt:
                Start(authSlots, cancellationToken);
                return;
            case Phase.LoggedIn:
                BeginConnect(now);
                return;
            case Phase.Connecting or Phase.Joining or Phase.Queued or Phase.InBattle:
                break;
            default:
                return;
        }

        _nextPumpAt = now + HousekeepingTicks;
        var udp = _udp!;
        if (readable is { } reported)
        {
            udp.UpdateReadiness(reported);
        }
        else
        {
            udp.Update();
        }

        var state = udp.State;
        if (_phase == Phase.Connecting)
        {
            if (state == NetcodeClientState.Connected)
            {
                _metrics.Handshake.Record(ToMicros(now - _phaseSince));
                Interlocked.Increment(ref _metrics.Connected);
                _connectedCounted = true;
                _phase = Phase.Joining;
                SendJoin(now);
            }
            else if (state < NetcodeClientState.Disconnected)
            {
                Fail("handshake_" + state, now);
            }

            return;
        }

        if (state != NetcodeClientState.Connected)
        {
            _trouble.OnConnectionLost(now);
            Fail("udp_" + state, now);
            return;
        }

        while (udp.TryReceivePayload(_receive, out var length))
        {
            Interlocked.Increment(ref _metrics.PacketsDown);
            Interlocked.Add(ref _metrics.BytesDown, length);
            Handle(_receive.AsSpan(0, length), Stopwatch.GetTimestamp());
        }

        if (_phase == Phase.InBattle && _trouble.CheckBattle(now) is var action and not TroubleAction.None)
        {
            OnTrouble(action, now);
            return;
        }

        if (_phase == Phase.Joining && now - _joinSentAt >= JoinRetryTicks)
        {
            if (now - _phaseSince > 30 * Stopwatch.Frequency)
            {
                _metrics.Error("queue_no_answer");
                _phaseSince = now;
            }

            SendJoin(now);
        }
        else if (_phase == Phase.InBattle && now >= _nextInputAt)
        {
            SendInput(now);
            _nextInputAt = now - _nextInputAt > _inputPeriodTicks ? now + _inputPeriodTicks : _nextInputAt + _inputPeriodTicks;
        }

        if (_phase == Phase.InBattle)
        {
            _nextPumpAt = Math.Min(_nextPumpAt, _nextInputAt);
        }
    }

    /// <summary>Ends the run for this bot: counts its open battle's ticks, leaves, disconnects (netcode disconnect packets).</summary>
    public void Stop()
    {
        if (_phase == Phase.InBattle)
        {
            EndBattle(Stopwatch.GetTimestamp());
        }

        _phase = Phase.Stopped;
        CloseUdp();
    }

    private async Task LoginAsync(SemaphoreSlim authSlots, CancellationToken cancellationToken)
    {
        try
        {
            await authSlots.WaitAsync(cancellationToken);
            try
            {
                var started = Stopwatch.GetTimestamp();
                await using var auth = await AuthClient.ConnectAsync(_options.TcpHost, _options.TcpPort, cancellationToken: cancellationToken);
                AuthResult? result = null;
                if (_refreshToken is { } refreshToken)
                {
                    _refreshToken = null; // single use: spent once the server has seen it
                    result = await auth.RefreshAsync(refreshToken, cancellationToken);
                    if (result.Ok)
                    {
                        Interlocked.Increment(ref _metrics.Refreshes);
                    }
                    else if (result.ErrorCode == "invalid_token")
                    {
                        result = null; // spent or revoked (an answer lost before): log in
                    }
                    else if (result.ErrorCode == "rate_limited")
                    {
                        _refreshToken = refreshToken; // refused before it was looked at: still good for the next attempt
                    }
                }

                if (result is null)
                {
                    started = Stopwatch.GetTimestamp();
                    result = await auth.LoginAsync(_name, _options.Password, cancellationToken);
                    if (result.Ok)
                    {
                        _metrics.Login.Record(ToMicros(Stopwatch.GetTimestamp() - started));
                        Interlocked.Increment(ref _metrics.Logins);
                    }
                }

                if (result.ErrorCode == "invalid_credentials")
                {
                    var registerStarted = Stopwatch.GetTimestamp();
                    result = await auth.RegisterAsync(_name, _options.Password, cancellationToken);
                    if (result.Ok)
                    {
                        _metrics.Register.Record(ToMicros(Stopwatch.GetTimestamp() - registerStarted));
                        Interlocked.Increment(ref _metrics.Registrations);
                    }
                }

                if (!result.Ok)
                {
                    Fail("auth_" + (result.ErrorCode ?? "unknown"), Stopwatch.GetTimestamp());
                    return;
                }

                _connectToken = Convert.FromBase64String(result.Session!.ConnectToken
                    ?? throw new InvalidOperationException("no connectToken in the login answer"));
                _refreshToken = result.Session.RefreshToken;
                _phase = Phase.LoggedIn;
            }
            finally
            {
                authSlots.Release();
            }
        }
        catch (OperationCanceledException)
        {
            _phase = Phase.Stopped;
        }
        catch (Exception ex)
        {
            Fail("tcp_" + ex.GetType().Name, Stopwatch.GetTimestamp());
        }
    }

    private void BeginConnect(long now)
    {
        try
        {
            _udp = NetcodeUdpClient.Create(new NetcodeUdpClientOptions { BackgroundUpdatePeriod = null, ReceiveQueueCapacity = 256 });
            _udp.Connect(_connectToken);
            _connectToken = null;
            _phaseSince = now;
            _phase = Phase.Connecting;
        }
        catch (Exception ex)
        {
            Fail("udp_" + ex.GetType().Name, now);
        }
    }

    private void Fail(string kind, long now)
    {
        _metrics.Error(kind);
        if (_phase == Phase.InBattle)
        {
            EndBattle(now);
        }

        CloseUdp();
        _retryAt = now + Backoff(_failures++, Random.Shared.NextDouble());
        _phase = Phase.Backoff;
    }

    /// <summary>
    /// The wait before the next attempt: 2 s doubling per failure since the bot was last in play, at most 16 s, ±25 %
    /// (<paramref name="jitter"/> 0..1) so that bots that failed together do not all retry together.
    /// </summary>
    public static long Backoff(int failures, double jitter)
    {
        var wait = failures >= 3 ? MaxRetryBackoffTicks : Math.Min(MaxRetryBackoffTicks, RetryBackoffTicks << failures);
        return (long)(wait * (0.75 + 0.5 * Math.Clamp(jitter, 0, 1)));
    }

    /// <summary>What <see cref="BotTrouble"/> asked for (it has already left the battle in its books).</summary>
    private void OnTrouble(TroubleAction action, long now)
    {
        EndBattle(now);
        if (action == TroubleAction.Requeue)
        {
            // The BattleEnd was lost: queue again as if it had come.
            _phase = Phase.Joining;
            _phaseSince = now;
            SendJoin(now);
            return;
        }

        // Stuck: tell the gateway, disconnect, start over after the first backoff (bounded: the next stuck battle leaves too).
        Send(EmptyMessage.Write(_send, GameMessageType.Leave));
        CloseUdp();
        _failures = 0;
        _retryAt = now + Backoff(_failures++, Random.Shared.NextDouble());
        _phase = Phase.Backoff;
    }

    private void BackInPlay()
    {
        _trouble.BackInPlay();
        _failures = 0;
    }

    private void CloseUdp()
    {
        if (_connectedCounted)
        {
            Interlocked.Decrement(ref _metrics.Connected);
            _connectedCounted = false;
        }

        _udp?.Dispose();
        _udp = null;
    }

    private void SendJoin(long now)
    {
        _joinSentAt = now;
        _trouble.OnJoinSent();
        Send(new JoinQueueMessage(_tankClass).WriteTo(_send));
    }

    private void Send(int length)
    {
        if (_udp!.SendPayload(_send.AsSpan(0, length)))
        {
            Interlocked.Increment(ref _metrics.PacketsUp);
            Interlocked.Add(ref _metrics.BytesUp, length);
        }
    }

    private void SendInput(long now)
    {
        float throttle = 0, steering = 0, yaw = 0;
        var fire = false;
        if (_snapshots.Latest is { } state)
        {
            var wobble = MathF.Sin(_wobbleSeed * 10 + now / (float)Stopwatch.Frequency * (0.5f + _wobbleSeed * 0.2f));
            (throttle, steering, yaw, fire) = BotBrain.Drive(state, _tankId, _team, wobble, ref _memory);
        }

        if (_fireSentAt != 0 && now - _fireSentAt > FireTimeoutTicks)
        {
            _metrics.FireWentUnanswered();
            _fireSentAt = 0;
        }

        if (fire && _fireSentAt == 0)
        {
            _fireSentAt = now;
        }

        var input = new InputMessage(
            ++_sequence, InputMessage.Axis(throttle), InputMessage.Axis(steering), SnapshotQuantizer.Angle(yaw),
            fire ? InputButtons.Fire : InputButtons.None, _snapshots.AckTick);
        Send(input.WriteTo(_send));
    }

    private void Handle(ReadOnlySpan<byte> payload, long now)
    {
        if (GameProtocol.ReadHeader(payload, out var type) != GameMessageReadResult.Ok)
        {
            _metrics.Error("bad_payload");
            return;
        }

        switch (type)
        {
            case GameMessageType.Snapshot when _phase == Phase.InBattle:
                OnSnapshot(payload, now);
                break;
            case GameMessageType.QueueStatus when QueueStatusMessage.TryRead(payload, out var status) == GameMessageReadResult.Ok:
                if (status.State == QueueState.Queued)
                {
                    BackInPlay();
                }

                if (_phase == Phase.Joining && status.State != QueueState.Idle)
                {
                    _phase = Phase.Queued;
                }
                else if (_phase == Phase.Queued && status.State == QueueState.Idle)
                {
                    _phase = Phase.Joining; // dropped from the queue: ask again
                    _phaseSince = now;
                }

                break;
            case GameMessageType.BattleStart when BattleStartMessage.TryRead(payload, out var start) == GameMessageReadResult.Ok:
                BackInPlay();
                var kind = _trouble.OnBattleStart(start.BattleId, start.TickRate, now);
                if (kind == BattleStartKind.Echo && _phase == Phase.InBattle)
                {
                    break;
                }

                if (kind == BattleStartKind.Resumed && _phase == Phase.InBattle)
                {
                    // The same battle again (moved to another silo): its ticks may restart lower, a full snapshot follows.
                    ResumeBattle(start.YourTankId, start.Team, now);
                    break;
                }

                if (_phase == Phase.InBattle)
                {
                    EndBattle(now); // another battle's start: count what we had
                }

                BeginBattle(start.YourTankId, start.Team, start.PlayerCount, now);
                _battleDefinition = start.DefinitionHash;
                GoForBase();
                break;
            case GameMessageType.BattleEvents when _phase == Phase.InBattle && _fireSentAt != 0
                && BattleEventsMessage.TryRead(payload, out var events) == GameMessageReadResult.Ok:
                foreach (var e in events)
                {
                    if (e.Kind == WireEventKind.Shot && e.Shooter == _tankId)
                    {
                        _metrics.RecordFireToShot(ToMicros(now - _fireSentAt));
                        _fireSentAt = 0;
                        break;
                    }
                }

                break;
            case GameMessageType.BattleDefinition:
                // The bot steers by the snapshots; of the map it takes the base only, as its goal when it sees no enemy.
                if (_definitionParts.Receive(payload, out var definition, out var hash) == GameMessageReadResult.Ok && definition is not null)
                {
                    if (_bases.Count >= 8 && !_bases.ContainsKey(hash))
                    {
                        _bases.Clear(); // a few maps in a run; this only bounds a long one
                    }

                    _bases[hash] = (definition.Base.X, definition.Base.Y);
                    if (_phase == Phase.InBattle && hash == _battleDefinition)
                    {
                        GoForBase(); // the definition came after the start
                    }
                }

                break;
            case GameMessageType.ProtocolError:
                _metrics.Error("protocol_version"); // the gateway speaks another game protocol version than this build
                break;
            case GameMessageType.BattleEnd when _phase == Phase.InBattle:
                _trouble.OnBattleEnd(
                    BattleEndMessage.TryRead(payload, out var end) == GameMessageReadResult.Ok ? end.Reason : BattleEndReasonCode.Destroyed, now);
                EndBattle(now);
                Interlocked.Increment(ref _metrics.BattleEnds);
                Interlocked.Add(ref _metrics.BattlesCompletedShares, _share);
                _phase = Phase.Joining;
                _phaseSince = now;
                SendJoin(now);
                break;
        }
    }

    /// <summary>Where the bot last saw an enemy (spotting hides enemies; it searches there instead of idling).</summary>
    private Tanks.Client.Battle.BotMemory _memory;

    private readonly BattleDefinitionAssembler _definitionParts = new();
    private readonly Dictionary<ulong, (float X, float Y)> _bases = [];
    private ulong _battleDefinition;

    /// <summary>The battle's base (from its definition, once in) as the memory's goal: a bot that lost sight of every
    /// enemy heads there instead of roaming.</summary>
    private void GoForBase()
    {
        if (!_memory.HasGoal && _bases.TryGetValue(_battleDefinition, out var b))
        {
            var goal = Tanks.Client.Battle.BotMemory.WithGoal(b.X, b.Y);
            (_memory.GoalX, _memory.GoalY, _memory.HasGoal) = (goal.GoalX, goal.GoalY, true);
        }
    }

    private void BeginBattle(ushort tankId, byte team, int players, long now)
    {
        _snapshots.Reset();
        _memory = default; // where enemies were last seen belongs to the last battle
        _tankId = tankId;
        _team = team;
        _share = 1_000_000 / Math.Max(1, players);
        _ticks.Reset();
        _fireSentAt = 0;
        _nextInputAt = now;
        _phase = Phase.InBattle;
        Interlocked.Increment(ref _metrics.InBattle);
        Interlocked.Increment(ref _metrics.BattleStarts);
        Interlocked.Add(ref _metrics.BattleShares, _share);
    }

    /// <summary>A resumed battle: the snapshot state starts over (as on any start), the battle's books do not.</summary>
    private void ResumeBattle(ushort tankId, byte team, long now)
    {
        _snapshots.Reset();
        _ticks.Close();
        _ticks.Reset();
        (_tankId, _team, _fireSentAt, _nextInputAt) = (tankId, team, 0, now);
    }

    private void EndBattle(long now)
    {
        _trouble.LeaveBattle(now);
        _ticks.Close();
        Interlocked.Decrement(ref _metrics.InBattle);
        Interlocked.Add(ref _metrics.BattleShares, -_share);
    }

    /// <summary>Loss and inter-arrival from the tick sequence of the snapshot parts that arrive; then the decode.</summary>
    private void OnSnapshot(ReadOnlySpan<byte> payload, long now)
    {
        if (SnapshotMessage.TryRead(payload, out var part) != GameMessageReadResult.Ok)
        {
            _metrics.Error("bad_snapshot");
            return;
        }

        _ticks.Arrived(part.Tick, now);
        _trouble.OnSnapshot(now);
        var result = _snapshots.Receive(payload);
        if (result == SnapshotReadResult.Ok && _snapshots.Latest is { } latest && latest.Tick == _snapshots.LastDecodedTick)
        {
            _trouble.OnDecoded(now, latest.Header.TicksLeft, latest.Header.EndReason);
        }

        if (result is not (SnapshotReadResult.Ok or SnapshotReadResult.Incomplete or SnapshotReadResult.Duplicate or SnapshotReadResult.Stale))
        {
            _metrics.Error("snapshot_" + result);
        }
    }

    private static long ToMicros(long stopwatchTicks) => stopwatchTicks * 1_000_000 / Stopwatch.Frequency;
}
