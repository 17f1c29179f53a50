using Tanks.Game;
using Tanks.Grains.Sessions;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Tests.Sessions;

/// <summary>What the SessionGrain puts on the wire for a tick: events with positions (split when they overflow), input acks, the definition.</summary>
public sealed class WorldStateBuilderTests
{
    [Fact]
    public void A_tick_with_more_events_than_one_message_holds_goes_on_in_another_message_of_the_same_tick()
    {
        // 64 tanks firing on the first tick: 64 shots of 19 bytes do not fit one message of 1200 bytes.
        var players = Enumerable.Range(0, 64).Select(i => new PlayerSlot(i % 2, i % 3, i + 1)).ToArray();
        var field = new MapDefinition(
            "field", 1000, 1000, [], [new SpawnZone(500, 100, 450, 60, 90), new SpawnZone(500, 900, 450, 60, -90)], new CaptureZone(500, 500, 20));
        var setup = new BattleSetup(field, players, 7) { Rules = BattleRules.Default with { MaxTeamSize = 32 } };
        var battle = new Battle(setup);
        var inputs = Enumerable.Range(0, 64).Select(i => new TankInput(0, 0, battle.Tanks[i].TurretAngle, true)).ToArray();
        battle.Step(inputs);
        var builder = new WorldStateBuilder { TickOffset = 1000 };
        var bytes = builder.EventBytes(battle);

        var messages = 0;
        var shots = new List<WireEvent>();
        ReadOnlySpan<byte> rest = bytes;
        while (rest.Length > 0)
        {
            Assert.True(BattleEventsMessage.TryMeasure(rest, out var length));
            Assert.InRange(length, 1, GameProtocol.MaxMessageBytes);
            Assert.Equal(GameMessageReadResult.Ok, BattleEventsMessage.TryRead(rest[..length], out var view));
            Assert.Equal(1001u, view.Tick);
            foreach (var e in view)
            {
                shots.Add(e);
            }

            rest = rest[length..];
            messages++;
        }

        Assert.Equal(2, messages);
        Assert.Equal(64, shots.Count(e => e.Kind == WireEventKind.Shot));
        var fired = battle.Events.ToArray().Where(e => e.Kind == BattleEventKind.ShotFired).ToArray();
        foreach (var e in fired)
        {
            var wire = shots.Single(s => s.Kind == WireEventKind.Shot && s.ShellId == e.ShellId);
            Assert.Equal((ushort)e.Tank, wire.Shooter);
            Assert.Equal(SnapshotQuantizer.Position(e.X), wire.X);
            Assert.Equal(SnapshotQuantizer.Position(e.Y), wire.Y);
            Assert.Equal(SnapshotQuantizer.Angle(e.Angle), wire.Angle);
            Assert.Equal(SnapshotQuantizer.Speed(setup.Classes[players[e.Tank].ClassId].ShellSpeed), wire.Speed);
        }
    }

    [Fact]
    public void Hits_and_stops_carry_where_they_happened_and_the_state_carries_each_tanks_input_ack()
    {
        // A duel: tank 0 shoots at tank 1 across the map until a shell hits; every shell ends as a hit or a stop.
        var setup = new BattleSetup(BuiltInMaps.Duel, [new PlayerSlot(0, 1), new PlayerSlot(1, 1)], 3);
        var battle = new Battle(setup);
        var builder = new WorldStateBuilder();
        var events = new List<WireEvent>();
        for (var tick = 0; tick < 400 && !events.Any(e => e.Kind == WireEventKind.Hit); tick++)
        {
            var aim = MathF.Atan2(battle.Tanks[1].Y - battle.Tanks[0].Y, battle.Tanks[1].X - battle.Tanks[0].X);
            battle.Step([new TankInput(0, 0, aim, true), new TankInput(0, 0.3f, 0, true)]);
            var bytes = builder.EventBytes(battle);
            if (bytes.Length > 0)
            {
                Assert.Equal(GameMessageReadResult.Ok, BattleEventsMessage.TryRead(bytes, out var view));
                foreach (var e in view)
                {
                    events.Add(e);
                }
            }

            foreach (var e in battle.Events)
            {
                if (e.Kind is BattleEventKind.Hit or BattleEventKind.ShellStopped)
                {
                    var wire = events.Last(w => w.ShellId == e.ShellId && w.Kind != WireEventKind.Shot);
                    Assert.Equal((SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y)), (wire.X, wire.Y));
                    if (e.Kind == BattleEventKind.ShellStopped)
                    {
                        Assert.Equal((ShellStopCode)e.Amount, wire.Reason);
                    }
                }
            }
        }

        Assert.Contains(events, e => e.Kind == WireEventKind.Hit && e.Target == 1 && e.Shooter == 0);

        var state = builder.Build(battle, [17u, 4_000_000_000u]);
        Assert.Equal(17u, state.LastInputOf(0));
        Assert.Equal(4_000_000_000u, state.LastInputOf(1));
        Assert.Equal(0u, builder.Build(battle).LastInputOf(1));
    }

    [Fact]
    public void The_definition_of_duel_is_the_documented_one()
    {
        var setup = new BattleSetup(BuiltInMaps.Duel, [new PlayerSlot(0, 0), new PlayerSlot(1, 1)], 1);
        var data = BattleDefinitionBuilder.Build(setup);
        var message = Assert.Single(data.Messages);
        // docs/protocol.md shows this message; Tanks.Protocol.Tests pins its body byte for byte.
        Assert.Equal("8702" + Convert.ToHexString(BitConverter.GetBytes(data.Hash)) + "00", Convert.ToHexString(message, 0, 11));
        Assert.Equal(BattleDefinitionMessage.Hash(message.AsSpan(11)), data.Hash);
        Assert.Same(data, BattleDefinitionBuilder.Build(setup with { Seed = 99 })); // same definition, one copy
        var definition = BattleDefinitionBuilder.Convert(setup.Map, setup.Rules, setup.TickRate, setup.Classes);
        Assert.Equal(TankClasses.All().Select(c => c.DispersionDegrees), definition.Classes.Select(c => c.DispersionDegrees));
        Assert.Equal(BuiltInMaps.Duel.Spawns[1].FacingDegrees, definition.Spawn1.FacingDegrees);
        Assert.Equal(BattleRules.Default.CaptureDecayPerSecond, definition.Rules.CaptureDecayPerSecond);
        // docs/protocol.md gives the sizes of the built-in maps' definitions.
        Assert.Equal(374, message.Length);
        var crossroads = BattleDefinitionBuilder.Build(setup with { Map = BuiltInMaps.Crossroads });
        Assert.Equal(680, Assert.Single(crossroads.Messages).Length);
        Assert.NotEqual(data.Hash, crossroads.Hash);
    }
}
