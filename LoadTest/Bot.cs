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
/// it hands over through <see cref="_phase"/>. No timer and no task of its own while connected.
/// </summary>
public sealed class Bot
{
    private static readonly long JoinRetryTicks = Stopwatch.Frequency;
    private static readonly long FireTimeoutTicks = 2 * Stopwatch.Frequency;
    private static readonly long RetryBackoffTicks = 2 * Stopwatch.Frequency;
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
            Fail("udp_" + state, now);
            return;
        }

        while (udp.TryReceivePayload(_receive, out var length))
        {
            Interlocked.Increment(ref _metrics.PacketsDown);
            Interlocked.Add(ref _metrics.BytesDown, length);
            Handle(_receive.AsSpan(0, length), Stopwatch.GetTimestamp());
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
            EndBattle();
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
                var result = await auth.LoginAsync(_name, _options.Password, cancellationToken);
                if (result.Ok)
                {
                    _metrics.Login.Record(ToMicros(Stopwatch.GetTimestamp() - started));
                    Interlocked.Increment(ref _metrics.Logins);
                }
                else if (result.ErrorCode == "invalid_credentials")
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
            EndBattle();
        }

        CloseUdp();
        _retryAt = now + RetryBackoffTicks;
        _phase = Phase.Backoff;
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
            (throttle, steering, yaw, fire) = BotBrain.Drive(state, _tankId, _team, wobble);
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
                if (_phase == Phase.InBattle)
                {
                    EndBattle(); // a start again (rejoin): count what we had
                }

                BeginBattle(start.YourTankId, start.Team, start.PlayerCount, now);
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
            case GameMessageType.BattleEnd when _phase == Phase.InBattle:
                EndBattle();
                Interlocked.Increment(ref _metrics.BattleEnds);
                Interlocked.Add(ref _metrics.BattlesCompletedShares, _share);
                _phase = Phase.Joining;
                _phaseSince = now;
                SendJoin(now);
                break;
        }
    }

    private void BeginBattle(ushort tankId, byte team, int players, long now)
    {
        _snapshots.Reset();
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

    private void EndBattle()
    {
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
        var result = _snapshots.Receive(payload);
        if (result is not (SnapshotReadResult.Ok or SnapshotReadResult.Incomplete or SnapshotReadResult.Duplicate or SnapshotReadResult.Stale))
        {
            _metrics.Error("snapshot_" + result);
        }
    }

    private static long ToMicros(long stopwatchTicks) => stopwatchTicks * 1_000_000 / Stopwatch.Frequency;
}
