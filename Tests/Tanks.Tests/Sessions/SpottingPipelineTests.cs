using Tanks.Client.Battle;
using Tanks.Client.Game;
using Tanks.Game;
using Tanks.Grains.Sessions;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Tests.Sessions;

/// <summary>
/// Whole 7v7 battles on crossroads through the path a client's snapshots take: the SessionGrain's
/// <see cref="WorldStateBuilder"/> (binary frame with seen-by masks, per-team events), the gateway's steps
/// (<see cref="WorldState.TryRead"/>, <see cref="WorldState.CopyTeamView"/>, a <see cref="SnapshotHistory"/> per team,
/// <see cref="SnapshotEncoder"/> against each client's ack) and the client's <see cref="SnapshotReceiver"/>. Every client
/// loses some snapshots (so baselines vary). Each tick, every enemy tank and shell a client decodes is checked against the
/// battle's spotting state of that tick, and so is every event it gets.
/// </summary>
public sealed class SpottingPipelineTests
{
    private const int Tanks = 14;

    /// <summary>Seeded, so the counts are exact: enemy-ticks hidden and seen (per receiving client), sightings gained and
    /// lost (per team's events), shell-ticks hidden from a team.</summary>
    [Theory]
    [InlineData(1UL, 398041, 44236, 28, 16, 119)]
    [InlineData(2UL, 396559, 187723, 36, 20, 126)]
    [InlineData(3UL, 608013, 5702, 10, 8, 90)]
    public void A_client_never_receives_the_position_of_an_enemy_its_team_does_not_see(
        ulong seed, int expectedHidden, int expectedSeen, int expectedSpotted, int expectedLost, int expectedHiddenShells)
    {
        var players = Enumerable.Range(0, Tanks).Select(i => new PlayerSlot(i / 7, i % 3, i + 1)).ToArray();
        var battle = new Battle(new BattleSetup(BuiltInMaps.Crossroads, players, seed));
        var builder = new WorldStateBuilder();
        var frame = new WorldState();
        var view = new WorldState();
        SnapshotHistory[] histories = [new(), new()];
        var encoder = new SnapshotEncoder();
        var clients = Enumerable.Range(0, Tanks).Select(_ => new SnapshotReceiver()).ToArray();
        var acks = new SnapshotAck[Tanks];
        var knownShells = new[] { new HashSet<uint>(), new HashSet<uint>() };
        var b = BuiltInMaps.Crossroads.Base;
        // Goals beside the base, west and east of the walls that shield it from both spawns, so the teams meet there.
        var memories = Enumerable.Range(0, Tanks).Select(c => BotMemory.WithGoal(b.X + (c % 2 == 0 ? -40 : 40), b.Y)).ToArray();
        var inputs = new TankInput[Tanks];
        var (hiddenEnemyTicks, seenEnemyTicks, spotted, lost, hiddenShellTicks) = (0, 0, 0, 0, 0);

        while (!battle.IsOver)
        {
            // The bots drive from what their client decoded: they know only what their team sees.
            for (var c = 0; c < Tanks; c++)
            {
                if (clients[c].Latest is { } known)
                {
                    var wobble = MathF.Sin(battle.Tick / 30f + c * (float)seed);
                    var (throttle, steering, yaw, fire) = SimpleBot.Drive(known, (ushort)c, (byte)(c / 7), wobble, ref memories[c]);
                    inputs[c] = new TankInput(throttle, steering, yaw, fire);
                }
            }
            battle.Step(inputs);
            Assert.Equal(SnapshotReadResult.Ok, WorldState.TryRead(builder.StateBytes(battle), frame));
            var tick = frame.Tick;
            for (var team = 0; team < 2; team++)
            {
                view.CopyTeamView(frame, team);
                var state = histories[team].Store(view);
                var events = builder.EventBytes(battle, team);
                for (var c = team * 7; c < team * 7 + 7; c++)
                {
                    // Every client loses one snapshot in 5 (its own pattern), so its acks lag and baselines differ.
                    if ((tick + (uint)c) % 5 != 0)
                    {
                        var encoded = encoder.Encode(state, histories[team], acks[c]);
                        for (var p = 0; p < encoded.PartCount; p++)
                        {
                            Assert.Equal(SnapshotReadResult.Ok, clients[c].Receive(encoded.Part(p, 0)));
                        }
                        Assert.True(clients[c].TryGetState(tick, out var got));
                        CheckSnapshot(battle, team, got, ref hiddenEnemyTicks, ref seenEnemyTicks);
                        acks[c].Acknowledge(clients[c].AckTick);
                    }
                }

                CheckEvents(battle, team, events, knownShells[team], ref spotted, ref lost);
                foreach (var s in view.Shells)
                {
                    knownShells[team].Add(s.Id);
                }
                foreach (var s in battle.Shells)
                {
                    hiddenShellTicks += (s.SeenBy >> team & 1) == 0 ? 1 : 0;
                }
            }
        }

        // The check had something to check: enemies were hidden and seen, sightings came and went, shells were hidden.
        Assert.Equal(
            (8400, expectedHidden, expectedSeen, expectedSpotted, expectedLost, expectedHiddenShells),
            (battle.Tick, hiddenEnemyTicks, seenEnemyTicks, spotted, lost, hiddenShellTicks));
    }

    private static void CheckSnapshot(Battle battle, int team, WorldState got, ref int hidden, ref int seen)
    {
        foreach (var t in battle.Tanks)
        {
            var present = got.Tanks.ToArray().Any(q => q.Id == t.Id);
            Assert.Equal(battle.IsVisibleTo(team, t.Id), present); // no hidden enemy, and every visible tank
            if (t.Team != team && t.IsAlive)
            {
                _ = present ? seen++ : hidden++;
            }
        }
        foreach (var q in got.Tanks)
        {
            var t = battle.Tanks[q.Id];
            Assert.Equal((SnapshotQuantizer.Position(t.X), SnapshotQuantizer.Position(t.Y)), (q.X, q.Y));
        }
        foreach (var s in got.Shells)
        {
            var shell = battle.Shells.ToArray().Single(b => b.Id == s.Id);
            Assert.True((shell.SeenBy >> team & 1) != 0, $"shell {s.Id} of tank {shell.Owner} reached team {team}");
        }
    }

    private static void CheckEvents(Battle battle, int team, ReadOnlySpan<byte> bytes, HashSet<uint> knownShells, ref int spotted, ref int lost)
    {
        while (bytes.Length > 0)
        {
            Assert.True(BattleEventsMessage.TryMeasure(bytes, out var length));
            Assert.Equal(GameMessageReadResult.Ok, BattleEventsMessage.TryRead(bytes[..length], out var events));
            foreach (var e in events)
            {
                switch (e.Kind)
                {
                    case WireEventKind.Shot:
                        Assert.True(battle.Tanks[e.Shooter].Team == team || battle.IsVisibleTo(team, e.Shooter));
                        knownShells.Add(e.ShellId);
                        break;
                    case WireEventKind.Hit:
                        Assert.True(battle.IsVisibleTo(team, e.Target), $"hit on hidden tank {e.Target} told to team {team}");
                        break;
                    case WireEventKind.ShellStopped:
                        Assert.Contains(e.ShellId, knownShells); // only the end of a shell the team was shown
                        break;
                    case WireEventKind.Spotted:
                        Assert.True(battle.IsVisibleTo(e.Team, e.Target));
                        spotted++;
                        break;
                    case WireEventKind.Lost:
                        Assert.False(battle.IsVisibleTo(e.Team, e.Target));
                        lost++;
                        break;
                }
            }
            bytes = bytes[length..];
        }
    }

}
