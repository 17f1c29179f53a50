using Tanks.Client;
using Tanks.Client.Battle;
using Tanks.Protocol.Game;

// SampleClient: a bot on the Tanks SDK. Logs in (registers the account if it does not exist), connects over UDP, queues,
// drives toward the nearest enemy, aims, fires (one input per tick); prints the battle's events, once a second its tank as
// predicted against the server's, and its result.
//   dotnet run --project Tools/SampleClient -- [--host 127.0.0.1] [--port 8888] [--user bot1] [--password sample-client-password] [--class medium]
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
                WireEventKind.Shot => $"tank {ev.Shooter} fires shell {ev.ShellId} from ({ev.X / 100.0:0.00}, {ev.Y / 100.0:0.00}) m",
                WireEventKind.Hit => $"tank {ev.Shooter} hits tank {ev.Target} for {ev.Damage} at ({ev.X / 100.0:0.00}, {ev.Y / 100.0:0.00}) m",
                WireEventKind.ShellStopped => $"shell {ev.ShellId} of tank {ev.Shooter} stopped ({ev.Reason}) at ({ev.X / 100.0:0.00}, {ev.Y / 100.0:0.00}) m",
                WireEventKind.Destroyed => $"tank {ev.Target} destroyed by tank {ev.Shooter}",
                WireEventKind.Spotted => $"team {ev.Team} spots tank {ev.Target} at ({ev.X / 100.0:0.00}, {ev.Y / 100.0:0.00}) m (by tank {ev.Shooter})",
                WireEventKind.Lost => $"team {ev.Team} lost sight of tank {ev.Target}, last seen at ({ev.X / 100.0:0.00}, {ev.Y / 100.0:0.00}) m",
                WireEventKind.CaptureProgress => $"team {ev.Team} captures: {ev.Progress} %",
                _ => $"event {ev.Kind}",
            };
            Console.WriteLine($"[tick {e.Tick}] {line}");
        }
    };

    await game.JoinQueueAsync(tankClass, cancellationToken: stop.Token);
    var battle = await game.WaitForBattleStartAsync(timeout: TimeSpan.FromMinutes(5), cancellationToken: stop.Token);
    Console.WriteLine($"battle {battle.BattleId} on {battle.MapId}: you are tank {battle.TankId} of team {battle.Team}, {battle.Players.Count} players");
    var map = battle.Definition;
    Console.WriteLine($"map {map.MapName}: {map.Width} × {map.Height} m, {map.Obstacles.Count} obstacles, base at ({map.Base.X}, {map.Base.Y}) r {map.Base.Radius} m; "
        + $"classes {string.Join(", ", map.Classes.Select(c => $"{c.Name} {c.HitPoints} HP {c.MaxForwardSpeed} m/s"))} (definition {battle.DefinitionHash:X16})");

    // One input per server tick (the SDK paces it); each is predicted at once, each snapshot reconciles it. Once a second:
    // the predicted tank against the newest server state, and the last correction.
    using var report = new Timer(_ =>
    {
        if (game.TryGetLocalPrediction(out var p))
        {
            Console.WriteLine($"prediction: tick {p.PredictedTick} at ({p.Predicted.X:0.00}, {p.Predicted.Y:0.00}) m; server tick {p.ServerTick} "
                + $"at ({p.Server.X:0.00}, {p.Server.Y:0.00}) m, {p.PendingInputs} inputs ahead (ack {p.InputAck} of {p.NewestSequence}); "
                + $"last correction {p.LastCorrection * 100:0.0} cm, {p.Reconciliations} reconciliations, {p.Snaps} snaps");
        }
    }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    var sent = await SimpleBot.RunAsync(game, cancellationToken: stop.Token);
    Console.WriteLine($"sent {sent} inputs");

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
