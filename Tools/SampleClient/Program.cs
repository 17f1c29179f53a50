using Tanks.Client;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

// SampleClient: a bot on the Tanks SDK. Logs in (registers the account if it does not exist), connects over UDP, queues,
// drives toward the nearest enemy, aims, fires; prints the battle's events and its result.
//   dotnet run --project Tools/SampleClient -- [--host 127.0.0.1] [--port 8888] [--user bot1] [--password secret-pass-1] [--class medium]
var host = Arg("--host", "127.0.0.1");
var port = int.Parse(Arg("--port", "8888"));
var user = Arg("--user", "bot" + Random.Shared.Next(1000, 9999));
var password = Arg("--password", "sample-client-password");
var tankClass = TankClassCodes.Id(Arg("--class", "medium"));

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

TanksClient client;
try
{
    client = await TanksClient.LoginAndConnectAsync(host, port, user, password, cancellationToken: stop.Token);
}
catch (InvalidOperationException ex) when (ex.Message.Contains("invalid_credentials", StringComparison.Ordinal))
{
    client = await TanksClient.LoginAndConnectAsync(host, port, user, password, new TanksClientOptions { Register = true }, stop.Token);
}

using (client)
{
    Console.WriteLine($"{user}: logged in as user {client.Session.UserId}, connected to {client.Session.Udp}");
    var game = client.Game;
    game.QueueStatusReceived += s => Console.WriteLine($"queue: {s.State} position {s.Position}/{s.QueueLength}, waited {s.WaitedSeconds} s");
    game.BattleEventsReceived += e =>
    {
        foreach (var ev in e.Events)
        {
            var line = ev.Kind switch
            {
                WireEventKind.Shot => $"tank {ev.Shooter} fires",
                WireEventKind.Hit => $"tank {ev.Shooter} hits tank {ev.Target} for {ev.Damage}",
                WireEventKind.Destroyed => $"tank {ev.Target} destroyed by tank {ev.Shooter}",
                _ => $"team {ev.Team} captures: {ev.Progress} %",
            };
            Console.WriteLine($"[tick {e.Tick}] {line}");
        }
    };

    await game.JoinQueueAsync(tankClass, cancellationToken: stop.Token);
    var battle = await game.WaitForBattleStartAsync(timeout: TimeSpan.FromMinutes(5), cancellationToken: stop.Token);
    Console.WriteLine($"battle {battle.BattleId} on {battle.MapId}: you are tank {battle.TankId} of team {battle.Team}, {battle.Players.Count} players");

    var state = new WorldState();
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / battle.TickRate));
    while (game.BattleEnds == 0 && await timer.WaitForNextTickAsync(stop.Token))
    {
        if (!game.TryCopyLatest(state))
        {
            continue;
        }

        var (throttle, steering, yaw, fire) = Drive(state, battle.TankId, battle.Team);
        game.SendInput(throttle, steering, yaw, fire);
    }

    var end = await game.WaitForBattleEndAsync(cancellationToken: stop.Token);
    var mine = end.Players.FirstOrDefault(p => p.TankId == battle.TankId);
    var verdict = end.IsDraw ? "DRAW" : end.Winner == battle.Team ? "VICTORY" : "DEFEAT";
    Console.WriteLine($"{verdict} ({end.Reason}): kills {mine.Kills}, damage dealt {mine.DamageDealt}, received {mine.DamageReceived}, shots {mine.Shots}, hits {mine.Hits}");
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

// Toward the nearest living enemy until 25 m away, turret on it, fire when the gun is loaded.
static (float Throttle, float Steering, float Yaw, bool Fire) Drive(WorldState state, ushort self, byte team)
{
    QuantizedTank me = default;
    var found = false;
    foreach (var t in state.Tanks)
    {
        if (t.Id == self)
        {
            (me, found) = (t, true);
        }
    }

    if (!found || !me.IsAlive)
    {
        return (0, 0, 0, false);
    }

    QuantizedTank target = default;
    var best = double.MaxValue;
    foreach (var t in state.Tanks)
    {
        var d = Math.Pow(t.X - me.X, 2) + Math.Pow(t.Y - me.Y, 2);
        if (t.Team != team && t.IsAlive && d < best)
        {
            (target, best) = (t, d);
        }
    }

    if (best == double.MaxValue)
    {
        return (0, 0, 0, false);
    }

    var bearing = MathF.Atan2(target.Y - me.Y, target.X - me.X);
    var turn = MathF.IEEERemainder(bearing - SnapshotQuantizer.AngleToRadians(me.HullAngle), 2 * MathF.PI);
    var distance = Math.Sqrt(best) / 100;
    var throttle = distance > 25 && MathF.Abs(turn) < 1f ? 1f : 0f;
    return (throttle, Math.Clamp(turn * 2, -1f, 1f), bearing, me.Reload == 0);
}
