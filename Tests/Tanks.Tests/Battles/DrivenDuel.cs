using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Tanks.Client;
using Tanks.Client.Battle;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Tests.Battles;

/// <summary>
/// A duel that keeps running while a test watches it: two light tanks back away from each other in circles, turn their
/// turrets and fire whenever loaded (every 2.5 s), so the picture changes every tick and shells fly, but they seldom hit
/// (nobody aims, and a light tank takes eight hits).
/// </summary>
internal sealed class DrivenDuel : IAsyncDisposable
{
    private readonly TanksClient[] _clients;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _driving;

    private readonly bool _fight;
    private readonly bool _aim;
    private volatile bool _holdFire;
    private readonly bool _hide;
    private volatile bool _revealed;
    private volatile bool _hiding;

    private DrivenDuel(TanksClient[] clients, BattleStartInfo start, string[] names, bool fight, bool holdFire, bool aim, bool hide = false)
    {
        _hide = hide;
        _aim = aim;
        _clients = clients;
        Start = start;
        Names = names;
        _fight = fight;
        _holdFire = holdFire;
        _driving = DriveAsync();
    }

    public BattleStartInfo Start { get; }

    /// <summary>
    /// A duel of two light tanks that never fire and lose sight of each other: each drives to the west rock of the duel
    /// map (25, 60; radius 5) from its side (blue to (25, 48), red to (25, 72), the last leg along x = 25), so the rock
    /// stands on the line between them (spotting: obstacles block sight at any range); after <see cref="Reveal"/> blue
    /// drives back to (60, 40), where its line to red passes the rock 8.8 m off its centre, and both see each other again.
    /// The tanks stand at their spawns (in sight of each other) until <see cref="Hide"/>.
    /// </summary>
    public static async Task<DrivenDuel> StartHidingAsync(BattleStack stack)
    {
        var (a, nameA) = await stack.NewPlayerAsync();
        var (b, nameB) = await stack.NewPlayerAsync();
        await a.Game.JoinQueueAsync(TankClassCodes.Light);
        await b.Game.JoinQueueAsync(TankClassCodes.Light);
        var start = await a.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        var startB = await b.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        Assert.Equal(start.BattleId, startB.BattleId);
        return new DrivenDuel([a, b], start, [nameA, nameB], fight: false, holdFire: true, aim: false, hide: true);
    }

    /// <summary>A hiding duel's tanks drive behind the rock (<see cref="StartHidingAsync"/>).</summary>
    public void Hide() => _hiding = true;

    /// <summary>The tanks in the newest world state decoded by the player of <paramref name="team"/>: its team's view.</summary>
    public int? TeamTankCount(int team)
    {
        var state = new WorldState();
        var client = _clients.Single(c => c.Game.Battle?.Team == team);
        return client.Game.TryCopyLatest(state) ? state.Tanks.Length : null;
    }

    /// <summary>A hiding duel's blue tank leaves the rock's cover (<see cref="StartHidingAsync"/>).</summary>
    public void Reveal() => _revealed = true;

    public Guid BattleId => Start.BattleId;

    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// A duel of two light tanks that circle and fire blind; <paramref name="fight"/>: a medium and a light tank that
    /// aim at each other instead, so one destroys the other in about half a minute. <paramref name="holdFire"/>: nobody
    /// fires until <see cref="OpenFire"/> (a watcher that must see every shot subscribes first). <paramref name="aim"/>: the
    /// circling light tanks aim at each other, so they hit now and then (eight hits destroy one).
    /// </summary>
    public static async Task<DrivenDuel> StartAsync(BattleStack stack, bool fight = false, bool holdFire = false, bool aim = false)
    {
        var (a, nameA) = await stack.NewPlayerAsync();
        var (b, nameB) = await stack.NewPlayerAsync();
        await a.Game.JoinQueueAsync(fight ? TankClassCodes.Medium : TankClassCodes.Light);
        await b.Game.JoinQueueAsync(TankClassCodes.Light);
        var start = await a.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        var startB = await b.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        Assert.Equal(start.BattleId, startB.BattleId);
        return new DrivenDuel([a, b], start, [nameA, nameB], fight, holdFire, aim);
    }

    /// <summary>The tanks in the newest world state the first player decoded (null before the first).</summary>
    public int? TankCount()
    {
        var state = new WorldState();
        return _clients[0].Game.TryCopyLatest(state) ? state.Tanks.Length : null;
    }

    public bool Over => _clients.Any(c => c.Game.BattleEnds > 0);

    /// <summary>Lets the tanks fire (a duel started with holdFire).</summary>
    public void OpenFire() => _holdFire = false;

    private async Task DriveAsync()
    {
        var watch = Stopwatch.StartNew();
        var state = new WorldState();
        while (!_stop.IsCancellationRequested)
        {
            var t = (float)watch.Elapsed.TotalSeconds;
            for (var i = 0; i < _clients.Length; i++)
            {
                if (_hide)
                {
                    var game = _clients[i].Game;
                    if (!_hiding)
                    {
                        game.SendInput(0f, 0f, 0f, fire: false);
                    }
                    else if (game.Battle is { } battle && game.TryCopyLatest(state) && Own(state, battle.TankId) is { } me)
                    {
                        var route = battle.Team == 0
                            ? (_revealed ? [(60f, 40f)] : new[] { (25f, 40f), (25f, 48f) })
                            : [(25f, 80f), (25f, 72f)];
                        if (_revealed && battle.Team == 0 && _legs[i] < 10)
                        {
                            _legs[i] = 10; // the way out: a route of its own
                        }

                        var (throttle, steering) = Steer(me, route, ref _legs[i], _revealed && battle.Team == 0 ? 10 : 0);
                        game.SendInput(throttle, steering, 0f, fire: false);
                    }

                    continue;
                }

                if (_fight)
                {
                    // As BattleEndToEndTests: close in for a second, then stand, aim and fire.
                    var game = _clients[i].Game;
                    if (game.Battle is { } battle && game.TryCopyLatest(state))
                    {
                        var aim = BattleEndToEndTests.AimAtNearestEnemy(state, battle.TankId, battle.Team);
                        game.SendInput(t < 1 ? 0.5f : 0f, 0f, aim ?? 0f, fire: aim is not null && !_holdFire);
                    }

                    continue;
                }

                var yaw = MathF.IEEERemainder((i == 0 ? 1 : -1) * t * 0.8f, 2 * MathF.PI);
                if (_aim && _clients[i].Game is { Battle: { } own } g && g.TryCopyLatest(state)
                    && BattleEndToEndTests.AimAtNearestEnemy(state, own.TankId, own.Team) is { } aimed)
                {
                    yaw = aimed;
                }

                _clients[i].Game.SendInput(-0.5f, i == 0 ? 0.5f : -0.5f, yaw, fire: !_holdFire);
            }

            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private readonly int[] _legs = new int[2]; // per client: the waypoint it drives to (route index + the route's base)

    private static QuantizedTank? Own(WorldState state, ushort id)
    {
        foreach (ref readonly var t in state.Tanks)
        {
            if (t.Id == id)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Towards waypoint <paramref name="leg"/> of <paramref name="route"/> (the next once within 2 m), then stands at the last.</summary>
    private static (float Throttle, float Steering) Steer(QuantizedTank me, (float X, float Y)[] route, ref int leg, int legBase)
    {
        var (x, y) = (me.X / 100f, me.Y / 100f);
        while (leg - legBase < route.Length)
        {
            var (wx, wy) = route[leg - legBase];
            var distance = MathF.Sqrt((wx - x) * (wx - x) + (wy - y) * (wy - y));
            if (distance < 2f)
            {
                leg++;
                continue;
            }

            var hull = me.HullAngle * (2 * MathF.PI / 65536);
            var turn = MathF.IEEERemainder(MathF.Atan2(wy - y, wx - x) - hull, 2 * MathF.PI);
            return (MathF.Abs(turn) < 0.4f ? Math.Clamp(distance / 8f, 0.25f, 1f) : 0f, Math.Clamp(turn * 2, -1f, 1f));
        }

        return (0f, 0f);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _driving;
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    /// <summary>An HTTP client for the silo's port, with the dashboard's credentials unless told otherwise.</summary>
    public static HttpClient Http(BattleStack stack, string? user = Infrastructure.TanksStack.DashboardUser,
        string password = Infrastructure.TanksStack.DashboardPassword)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{stack.Stack.SiloHttpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return http;
    }
}
