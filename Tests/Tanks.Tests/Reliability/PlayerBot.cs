using System.Diagnostics;
using Tanks.Client.Auth;
using Tanks.Client.Battle;
using Tanks.Client.Netcode;
using Tanks.Protocol.Game;
using Tanks.Protocol.Netcode;
using Tanks.Protocol.Snapshots;

namespace Tanks.Tests.Reliability;

/// <summary>A Gateway.Tcp a bot can log in through, and the Gateway.Udp its connect tokens name first.</summary>
public sealed record BotEndpoint(int TcpPort, int UdpPort);

/// <summary>What a bot does between battles and how long it may keep trying.</summary>
public sealed record BotBehaviour
{
    /// <summary>Queue again after a battle ends (an aborted one included).</summary>
    public bool Requeue { get; init; } = true;

    /// <summary>Fire at enemies (battles then may end early by destruction); off, battles run to their time limit.</summary>
    public bool Fire { get; init; }

    public byte TankClass { get; init; } = TankClassCodes.Medium;

    /// <summary>Upper bound of reconnects in one run: a bot never loops on a broken stack.</summary>
    public int MaxReconnects { get; init; } = 20;

    /// <summary>Upper bound of battles a bot queues for.</summary>
    public int MaxBattles { get; init; } = 10;
}

/// <summary>
/// A real player over the client SDK: logs in over TCP (register the first time), connects over UDP, queues, drives a
/// <see cref="SimpleBot"/>, and when its UDP connection is lost (gateway gone, timed out) refreshes through the Gateway.Tcp
/// whose tokens name another Gateway.Udp first, reconnects and queues again (the server sends the running battle's start
/// again). Everything it sees goes into its <see cref="BotJournal"/> on the harness clock. Every loop is bounded by
/// <see cref="BotBehaviour"/> and the swarm's stop token.
/// </summary>
public sealed class PlayerBot : IAsyncDisposable
{
    private static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(10);

    private readonly IReadOnlyList<BotEndpoint> _endpoints;
    private readonly BotBehaviour _behaviour;
    private readonly Stopwatch _clock;
    private readonly float _wobble;
    private readonly WorldState _state = new();
    private NetcodeUdpClient? _udp;
    private BattleClient? _game;
    private AuthSession? _session;
    private int _endpoint;
    private int _battlesQueued;
    private int _reconnects;
    private Task? _control;
    private Task? _sampler;

    public PlayerBot(string name, string password, IReadOnlyList<BotEndpoint> endpoints, int homeEndpoint, BotBehaviour behaviour, Stopwatch clock)
    {
        Name = name;
        Password = password;
        _endpoints = endpoints;
        _endpoint = homeEndpoint % endpoints.Count;
        _behaviour = behaviour;
        _clock = clock;
        _wobble = (float)(new Random(name.GetHashCode(StringComparison.Ordinal)).NextDouble() * 2 - 1);
    }

    public string Name { get; }

    public string Password { get; }

    public long UserId => _session?.UserId ?? 0;

    public BotJournal Journal { get; } = new();

    /// <summary>The Gateway.Udp port of the current (or last) connection.</summary>
    public int UdpPort => _endpoints[Volatile.Read(ref _endpoint)].UdpPort;

    public bool Connected => _udp?.IsConnected ?? false;

    /// <summary>The battle running for this bot now (started, no end seen), or null.</summary>
    public Guid? BattleId => Journal.Current?.BattleId;

    private TimeSpan Now => _clock.Elapsed;

    /// <summary>Registers (or logs in), connects; throws when that fails: the scenario cannot start without its players.</summary>
    public async Task ConnectAsync(bool register, CancellationToken cancellationToken)
    {
        await using (var auth = await AuthClient.ConnectAsync("127.0.0.1", _endpoints[_endpoint].TcpPort, cancellationToken: cancellationToken))
        {
            var result = register ? await auth.RegisterAsync(Name, Password, cancellationToken) : await auth.LoginAsync(Name, Password, cancellationToken);
            _session = result.RequireSession();
        }

        _udp = NetcodeUdpClient.Create();
        var state = await _udp.ConnectAsync(Convert.FromBase64String(_session.ConnectToken!), TimeSpan.FromSeconds(10), cancellationToken);
        if (state != NetcodeClientState.Connected)
        {
            throw new InvalidOperationException($"{Name}: UDP connect to {_session.Udp} failed: {state}");
        }

        _game = new BattleClient(_udp);
        _game.BattleStarted += start => Journal.Started(Now, start.BattleId, start.TickRate);
        _game.BattleEnded += end => Journal.Ended(Now, end.Reason);
    }

    /// <summary>Starts playing: queue, battles, reconnects, until <paramref name="stop"/> fires.</summary>
    public void Start(CancellationToken stop)
    {
        _sampler = Task.Run(() => SampleAsync(stop));
        _control = Task.Run(() => ControlAsync(stop));
    }

    /// <summary>Waits for the bot's loops to end (after the stop token fired).</summary>
    public async Task StoppedAsync()
    {
        foreach (var task in new[] { _control, _sampler })
        {
            if (task is not null)
            {
                await task.WaitAsync(TimeSpan.FromSeconds(15));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StoppedAsync();
        }
        catch (TimeoutException)
        {
        }

        _game?.Dispose();
        _udp?.Dispose();
    }

    /// <summary>Snapshots into the journal every 10 ms; inputs once per tick (every 50 ms at 20 Hz) while in a battle.</summary>
    private async Task SampleAsync(CancellationToken stop)
    {
        var decoded = 0;
        var nextInput = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            var game = _game!;
            var now = Now;
            var current = Journal.Current;
            if (current is not null)
            {
                var count = game.SnapshotsDecoded; // cumulative over battles
                if (count != decoded && game.LatestTick is { } tick)
                {
                    Journal.Snapshot(now, tick, Math.Max(1, count - decoded));
                    decoded = count;
                }

                if (now >= nextInput && game.Battle is { } battle && game.TryCopyLatest(_state))
                {
                    var (throttle, steering, yaw, fire) = SimpleBot.Drive(_state, battle.TankId, battle.Team, _wobble);
                    game.SendInput(throttle, steering, yaw, fire && _behaviour.Fire);
                    nextInput = now + TimeSpan.FromSeconds(1.0 / Math.Max(1, battle.TickRate));
                }
            }

            try
            {
                await Task.Delay(SamplePeriod, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Queue, requeue after an end, reconnect after a lost connection; bounded in count and by the stop token.</summary>
    private async Task ControlAsync(CancellationToken stop)
    {
        var ends = 0;
        var queued = false;
        var rejoin = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!_udp!.IsConnected)
                {
                    (queued, rejoin) = (false, true);
                    if (_reconnects >= _behaviour.MaxReconnects)
                    {
                        Journal.Error("reconnects_exhausted");
                        return;
                    }

                    await ReconnectAsync($"netcode {_udp.State}", stop);
                    continue;
                }

                if (rejoin && _udp.IsConnected)
                {
                    // A new connection: queue again, and the server sends the running battle's start again.
                    var status = await _game!.JoinQueueAsync(_behaviour.TankClass, TimeSpan.FromSeconds(5), stop);
                    (queued, rejoin) = (true, false);
                    if (status.State == QueueState.Queued && Journal.Current is null)
                    {
                        _battlesQueued++;
                    }

                    continue;
                }

                if (_game!.BattleEnds != ends)
                {
                    ends = _game.BattleEnds;
                    queued = !_behaviour.Requeue; // requeue below, or stay idle
                }

                if (!queued && Journal.Current is null && _battlesQueued < _behaviour.MaxBattles)
                {
                    var status = await _game.JoinQueueAsync(_behaviour.TankClass, TimeSpan.FromSeconds(5), stop);
                    queued = true;
                    if (status.State == QueueState.Queued)
                    {
                        _battlesQueued++;
                    }
                }

                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (TimeoutException)
            {
                Journal.Error("queue_timeout");
                queued = false;
            }
            catch (Exception ex)
            {
                Journal.Error("control:" + ex.GetType().Name);
                await DelayQuietly(TimeSpan.FromMilliseconds(500), stop);
            }
        }
    }

    /// <summary>
    /// The connection is gone: refresh through the Gateway.Tcp whose tokens name a different Gateway.Udp first (the one we
    /// lost may be dead, and waiting out its connection-request timeout would double the outage), connect, and go on.
    /// </summary>
    private async Task ReconnectAsync(string why, CancellationToken stop)
    {
        var from = UdpPort;
        Journal.Lost(Now, why, from);
        _reconnects++;
        for (var attempt = 0; attempt < 2 * _endpoints.Count && !stop.IsCancellationRequested; attempt++)
        {
            var next = (_endpoint + 1 + attempt) % _endpoints.Count;
            try
            {
                AuthSession session;
                await using (var auth = await AuthClient.ConnectAsync("127.0.0.1", _endpoints[next].TcpPort,
                    new AuthClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) }, stop))
                {
                    var result = await auth.RefreshAsync(_session!.RefreshToken, stop);
                    if (!result.Ok && result.ErrorCode == "invalid_token")
                    {
                        // A refresh that reached the account but whose answer was lost spent the token: log in instead.
                        result = await auth.LoginAsync(Name, Password, stop);
                    }

                    if (!result.Ok)
                    {
                        Journal.Error("refresh:" + result.ErrorCode);
                        await DelayQuietly(TimeSpan.FromMilliseconds(300), stop);
                        continue;
                    }

                    session = result.Session!;
                }

                _session = session;
                Volatile.Write(ref _endpoint, next);
                var state = await _udp!.ConnectAsync(Convert.FromBase64String(session.ConnectToken!), TimeSpan.FromSeconds(10), stop);
                if (state == NetcodeClientState.Connected)
                {
                    Journal.Reconnected(Now, UdpPort);
                    return;
                }

                Journal.Error("udp_connect:" + state);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException or OperationCanceledException)
            {
                Journal.Error("reconnect:" + ex.GetType().Name);
                await DelayQuietly(TimeSpan.FromMilliseconds(300), stop);
            }
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
