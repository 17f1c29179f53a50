using System.Diagnostics;
using Tanks.Client;
using Tanks.Client.Battle;
using Tanks.Game;
using Tanks.Grains.Interfaces;
using Tanks.Protocol.Game;
using Tanks.Protocol.Netcode;
using Tanks.Protocol.Snapshots;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Battles;

/// <summary>
/// Battles end to end over real UDP against real processes: SDK clients register, log in, connect, queue, get a duel,
/// drive and shoot from the decoded snapshots, one destroys the other, results land in the accounts.
/// </summary>
[Collection(BattleStackCollection.Name)]
public sealed class BattleEndToEndTests(BattleStack shared)
{
    private const string DeltaBytes = "tanks_udp_snapshot_bytes_total{kind=\"delta\"}";

    [Fact]
    public async Task Two_players_queue_fight_a_duel_to_its_end_and_the_result_lands_in_their_accounts()
    {
        var (a, nameA) = await shared.NewPlayerAsync();
        var (b, nameB) = await shared.NewPlayerAsync();
        using var _ = a;
        using var __ = b;

        Assert.Equal(QueueState.Queued, (await a.Game.JoinQueueAsync(TankClassCodes.Medium)).State);
        var statusB = await b.Game.JoinQueueAsync(TankClassCodes.Light);
        Assert.NotEqual(QueueState.Idle, statusB.State);

        var startA = await a.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        var startB = await b.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        Assert.Equal(startA.BattleId, startB.BattleId);
        Assert.NotEqual(startA.Team, startB.Team);
        Assert.NotEqual(startA.TankId, startB.TankId);
        Assert.Equal("duel", startA.MapId);
        Assert.Equal(2, startA.Players.Count);
        Assert.Contains(startA.Players, p => p.UserId == a.Session.UserId && p.TankId == startA.TankId && p.ClassId == TankClassCodes.Medium);

        var deltaBefore = await shared.Udp.MetricAsync(DeltaBytes) ?? 0;
        var ticks = await FightAsync([a, b], TimeSpan.FromSeconds(60));

        var endA = await a.Game.WaitForBattleEndAsync(timeout: TimeSpan.FromSeconds(5));
        var endB = await b.Game.WaitForBattleEndAsync(timeout: TimeSpan.FromSeconds(5));
        Assert.Equal(endA.Winner, endB.Winner);
        Assert.False(endA.IsDraw);
        Assert.Equal(BattleEndReasonCode.Destroyed, endA.Reason);
        var (winner, loser, winnerStart) = endA.Winner == startA.Team ? (nameA, nameB, startA) : (nameB, nameA, startB);
        Assert.Equal(1, endA.Players.Single(p => p.TankId == winnerStart.TankId).Kills);

        // The snapshot stream: increasing ticks, deltas after the first full snapshot.
        Assert.True(ticks.Count > 40, $"only {ticks.Count} snapshot ticks seen");
        Assert.True(ticks.Zip(ticks.Skip(1)).All(p => p.Second > p.First), "snapshot ticks must increase");
        Assert.True(await shared.Udp.MetricAsync(DeltaBytes) > deltaBefore, "the gateway sent no delta snapshots");
        Assert.Equal(0, await shared.Udp.MetricAsync("tanks_udp_battles"));

        var winnerStats = (await shared.Cluster.GetGrain<IUserGrain>(winner).GetProfileAsync())!.Stats!;
        var loserStats = (await shared.Cluster.GetGrain<IUserGrain>(loser).GetProfileAsync())!.Stats!;
        Assert.Equal((1, 1, 0, 1), (winnerStats.Battles, winnerStats.Wins, winnerStats.Losses, winnerStats.Kills));
        Assert.Equal((1, 0, 1, 0), (loserStats.Battles, loserStats.Wins, loserStats.Losses, loserStats.Kills));
    }

    [Fact]
    public async Task A_player_who_reconnects_during_a_battle_gets_its_start_again_and_snapshots_resume()
    {
        var (a, _) = await shared.NewPlayerAsync();
        var (b, _) = await shared.NewPlayerAsync();
        using var _a = a;
        using var _b = b;
        await a.Game.JoinQueueAsync(TankClassCodes.Heavy);
        await b.Game.JoinQueueAsync(TankClassCodes.Heavy);
        var start = await a.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        await WaitAsync(() => a.Game.LatestTick > 5, "snapshots before the reconnect");
        var before = a.Game.LatestTick!.Value;

        await a.ReconnectAsync();
        Assert.Equal(NetcodeClientState.Connected, a.Udp.State);
        var starts = a.Game.BattleStarts;
        var status = await a.Game.JoinQueueAsync(TankClassCodes.Heavy);
        Assert.Equal(QueueState.InBattle, status.State);
        var again = await a.Game.WaitForBattleStartAsync(after: starts, timeout: TimeSpan.FromSeconds(10));

        Assert.Equal(start.BattleId, again.BattleId);
        Assert.Equal(start.TankId, again.TankId);
        await WaitAsync(() => a.Game.LatestTick > before + 10, "snapshots after the reconnect");
        a.Game.Leave();
        b.Game.Leave();
    }

    [Fact]
    public async Task A_battle_start_brings_the_definition_of_its_map_and_classes_and_the_input_ack_follows_the_inputs()
    {
        var (a, _) = await shared.NewPlayerAsync();
        var (b, _) = await shared.NewPlayerAsync();
        using var _a = a;
        using var _b = b;
        await a.Game.JoinQueueAsync(TankClassCodes.Light);
        await b.Game.JoinQueueAsync(TankClassCodes.Heavy);
        var start = await a.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));

        // The map a client draws and the class stats it predicts with are the battle's own, value for value.
        var definition = start.Definition;
        Assert.Same(definition, a.Game.Definition);
        Assert.Equal(BattleDefinitionMessage.Hash(Body(definition)), start.DefinitionHash);
        var map = BuiltInMaps.Load(start.MapId);
        var received = definition.ToMap();
        Assert.Equal((map.Name, map.Width, map.Height, map.Base), (received.Name, received.Width, received.Height, received.Base));
        Assert.Equal(map.Obstacles, received.Obstacles);
        Assert.Equal(map.Spawns, received.Spawns);
        Assert.Equal(TankClasses.All(), definition.ToTankClasses());
        Assert.Equal(start.TickRate, definition.Rules.TickRate);
        Assert.Equal(BattleRules.Default.CapturePoints, definition.ToRules().CapturePoints);
        var startB = await b.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        Assert.Equal(start.DefinitionHash, startB.DefinitionHash);

        // The input ack: 0 before any input; then it follows the inputs sent, never ahead of them, never going back.
        await WaitAsync(() => a.Game.LatestTick is not null, "the first snapshot");
        Assert.Equal(0u, a.Game.LatestInputAck);
        var seen = new List<uint>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                a.Game.SendInput(0, 0.5f, 0, fire: false);
            }

            var sent = a.Game.LastInputSequence;
            Assert.Equal((uint)(5 * (round + 1)), sent);
            // The gateway keeps the newest input of a tick: this round's last one is applied, the earlier ones superseded.
            await WaitAsync(() => a.Game.LatestInputAck == sent, $"the ack of input {sent}");
            seen.Add(a.Game.LatestInputAck);
        }

        Assert.Equal([5u, 10u, 15u], seen);
        a.Game.Leave();
        b.Game.Leave();

        static byte[] Body(BattleDefinition d)
        {
            var body = new byte[BattleDefinitionMessage.BodySize(d)];
            BattleDefinitionMessage.WriteBody(d, body);
            return body;
        }
    }

    [Fact]
    public async Task A_queued_player_hears_its_status_about_once_a_second_and_can_leave_the_queue()
    {
        var (a, _) = await shared.NewPlayerAsync();
        using var _a = a;
        var count = 0;
        a.Game.QueueStatusReceived += _ => Interlocked.Increment(ref count);

        var queued = await a.Game.JoinQueueAsync(TankClassCodes.Light);
        Assert.Equal(QueueState.Queued, queued.State);
        Assert.True(queued.Position >= 1);
        await WaitAsync(() => Volatile.Read(ref count) >= 3, "periodic queue status", TimeSpan.FromSeconds(5));

        var left = await a.Game.LeaveQueueAsync();
        Assert.Equal(QueueState.Idle, left.State);
        Assert.Equal(0, left.Position);
    }

    [Fact]
    public async Task Hostile_game_messages_are_dropped_and_counted_and_the_client_stays_connected()
    {
        var (a, _) = await shared.NewPlayerAsync();
        using var _a = a;
        var invalidBefore = await shared.Udp.MetricAsync("tanks_udp_game_messages_total{type=\"unknown\",result=\"invalid\"}") ?? 0;

        var random = new Random(4);
        for (var i = 0; i < 400; i++)
        {
            var payload = new byte[random.Next(1, 1201)];
            random.NextBytes(payload);
            if (i % 4 == 0)
            {
                payload[0] = (byte)random.Next(1, 5); // a client type with a bad length, version or values
                if (payload.Length > 1 && i % 8 == 0)
                {
                    payload[1] = GameProtocol.Version;
                }
            }
            else if (i % 4 == 1)
            {
                payload[0] = (byte)(0x81 + random.Next(5)); // a server-to-client type
            }

            a.Udp.SendPayload(payload);
            if (i % 50 == 0)
            {
                await Task.Delay(5);
            }
        }

        // Still served: the queue answers (rate limits may drop the first tries; the SDK retries).
        Assert.Equal(QueueState.Queued, (await a.Game.JoinQueueAsync(TankClassCodes.Medium, TimeSpan.FromSeconds(15))).State);
        Assert.Equal(QueueState.Idle, (await a.Game.LeaveQueueAsync(TimeSpan.FromSeconds(15))).State);
        Assert.Equal(NetcodeClientState.Connected, a.Udp.State);
        Assert.False(shared.Udp.Process.HasExited);
        Assert.True(await shared.Udp.MetricAsync("tanks_udp_game_messages_total{type=\"unknown\",result=\"invalid\"}") > invalidBefore);
    }

    [Fact]
    public async Task A_version_1_JoinQueue_is_answered_with_ProtocolError_and_counted_as_an_invalid_join_queue()
    {
        var (a, _) = await shared.NewPlayerAsync();
        using var _a = a;
        const string sample = "tanks_udp_game_messages_total{type=\"join_queue\",result=\"invalid\"}";
        var before = await shared.Udp.MetricAsync(sample) ?? 0;
        var unknownBefore = await shared.Udp.MetricAsync("tanks_udp_game_messages_total{type=\"unknown\",result=\"invalid\"}") ?? 0;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<ProtocolErrorMessage>();
        a.Game.ProtocolErrorReceived += errors.Enqueue;

        // A version 1 client's JoinQueue, byte for byte: 01 01 class.
        a.Udp.SendPayload([0x01, 0x01, TankClassCodes.Medium]);

        // The old client hears why nothing happens: 8F 02 01 (this server speaks version 2; unsupported version).
        await WaitAsync(() => !errors.IsEmpty, "the ProtocolError answer");
        Assert.Equal(new ProtocolErrorMessage(2, ProtocolErrorCode.UnsupportedVersion), Assert.Single(errors));
        Assert.Null(a.Game.ProtocolError); // the server speaks this SDK's version: the SDK's own requests still work
        Assert.Equal(QueueState.Queued, (await a.Game.JoinQueueAsync(TankClassCodes.Medium)).State);
        await a.Game.LeaveQueueAsync();

        // Counters only grow: wait (bounded) for this one message, then hold both counts exact.
        await Eventually.UntilAsync(async () => await shared.Udp.MetricAsync(sample) > before ? "counted" : null);
        Assert.Equal(before + 1, await shared.Udp.MetricAsync(sample));
        Assert.Equal(unknownBefore, await shared.Udp.MetricAsync("tanks_udp_game_messages_total{type=\"unknown\",result=\"invalid\"}") ?? 0);
    }

    [Fact]
    public void Wire_tank_class_ids_match_the_game_classes()
    {
        var classes = TankClasses.All();
        Assert.Equal(classes.Length, TankClassCodes.Count);
        for (byte i = 0; i < classes.Length; i++)
        {
            Assert.Equal(classes[i].Name, TankClassCodes.Name(i));
            Assert.Equal(i, TankClassCodes.Id(classes[i].Name));
        }
    }

    /// <summary>Bots at 20 Hz: drive forward for a second, then hold; aim at the nearest enemy and fire. Returns the ticks client 0 saw.</summary>
    private static async Task<List<uint>> FightAsync(TanksClient[] clients, TimeSpan limit)
    {
        var ticks = new List<uint>();
        var state = new WorldState();
        var watch = Stopwatch.StartNew();
        while (clients.Any(c => c.Game.BattleEnds == 0))
        {
            Assert.True(watch.Elapsed < limit, $"no battle end within {limit}");
            for (var i = 0; i < clients.Length; i++)
            {
                var game = clients[i].Game;
                if (game.Battle is not { } battle || !game.TryCopyLatest(state))
                {
                    continue;
                }

                if (i == 0 && (ticks.Count == 0 || ticks[^1] != state.Tick))
                {
                    ticks.Add(state.Tick);
                }

                var yaw = AimAtNearestEnemy(state, battle.TankId, battle.Team);
                game.SendInput(watch.Elapsed < TimeSpan.FromSeconds(1) ? 0.5f : 0f, 0f, yaw ?? 0f, fire: yaw is not null);
            }

            await Task.Delay(50);
        }

        return ticks;
    }

    internal static float? AimAtNearestEnemy(WorldState state, ushort self, byte team)
    {
        QuantizedTank? me = null;
        foreach (var t in state.Tanks)
        {
            if (t.Id == self)
            {
                me = t;
            }
        }

        if (me is not { } m)
        {
            return null;
        }

        float? best = null;
        var bestDistance = double.MaxValue;
        foreach (var t in state.Tanks)
        {
            if (t.Team == team || !t.IsAlive)
            {
                continue;
            }

            double dx = t.X - m.X, dy = t.Y - m.Y;
            var distance = dx * dx + dy * dy;
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = (float)Math.Atan2(dy, dx);
            }
        }

        return best;
    }

    private static async Task WaitAsync(Func<bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(watch.Elapsed < limit, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
