using System.Text.Json;
using Tanks.Game;
using Tanks.Grains.Sessions;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Tests.Sessions;

/// <summary>
/// docs/vectors/duel-wire.json: the first seconds of a seeded duel as the wire carries them to player 0, made by the
/// code paths the silo and the gateway run (<see cref="BattleDefinitionBuilder"/>, <see cref="WorldStateBuilder"/>, the
/// grain → gateway binary form, <see cref="SnapshotEncoder"/> against the client's ack with its input ack written into
/// each part, BattleEvents split as the gateway sends them). The file is regenerated and compared byte for byte, and
/// every message on file is read back with the C# readers (snapshots decoded against the client's own baselines).
/// TANKS_WRITE_VECTORS=1 rewrites it.
/// </summary>
public sealed class WireVectorTests
{
    private const string File = "duel-wire.json";
    private const ulong Seed = 20_261_202;
    private const int Ticks = 60;
    private static readonly Guid BattleId = Guid.Parse("00000000-0000-0000-0000-0000000d0e11");

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public sealed record MessageJson(int Tick, string Kind, string Hex);

    public sealed record WireJson(string Description, string Map, ulong Seed, int TickRate, string BattleId, string Inputs, MessageJson[] Messages);

    private static string Path_() => Path.Combine(Infrastructure.Repo.Root, "docs", "vectors", File);

    private static TankInput Input(int tank, int tick) => tank == 0
        ? new TankInput(1f, tick <= 20 ? 0f : 0.5f, MathF.PI / 2, tick is 8 or 45)
        : new TankInput(0.6f, -0.3f, -MathF.PI / 2 + 0.05f, tick is 3 or 30 or 55);

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>What player 0 (tank 0, slot 0) receives, in order: definition, start, then per tick its snapshot parts and the events.</summary>
    public static WireJson Generate()
    {
        var setup = new BattleSetup(BuiltInMaps.Duel, [new PlayerSlot(0, 1, 1001), new PlayerSlot(1, 0, 1002)], Seed);
        var battle = new Battle(setup);
        var definition = BattleDefinitionBuilder.Build(setup);
        var messages = new List<MessageJson>();
        foreach (var part in definition.Messages)
        {
            messages.Add(new MessageJson(0, "BattleDefinition", Hex(part)));
        }

        var roster = new[]
        {
            new BattlePlayer(0, 0, TankClassCodes.Medium, 1001),
            new BattlePlayer(1, 1, TankClassCodes.Light, 1002),
        };
        var buffer = new byte[GameProtocol.MaxMessageBytes];
        for (var slot = 0; slot < 2; slot++)
        {
            var length = BattleStartMessage.Write(buffer, BattleId, "duel", (byte)battle.TickRate, (ushort)slot, (byte)slot, definition.Hash, roster);
            messages.Add(new MessageJson(0, $"BattleStart to player {slot}", Hex(buffer.AsSpan(0, length))));
        }

        var world = new WorldStateBuilder();
        var history = new SnapshotHistory();
        var scratch = new WorldState();
        var teamView = new WorldState();
        var encoder = new SnapshotEncoder();
        var ack = default(SnapshotAck);
        var inputs = new TankInput[2];
        var sequences = new uint[2];
        for (var i = 0; i < Ticks && !battle.IsOver; i++)
        {
            var tick = battle.Tick + 1;
            for (var t = 0; t < 2; t++)
            {
                inputs[t] = Input(t, tick);
                sequences[t] = (uint)tick; // each client sends input sequence n before tick n (the first input is 1)
            }

            battle.Step(inputs);
            var state = world.StateBytes(battle, sequences); // the grain's frame, as the gateway receives it
            ReadOnlySpan<byte> events = world.EventBytes(battle, team: 0); // what player 0's team may learn of
            Assert.Equal(SnapshotReadResult.Ok, WorldState.TryRead(state, scratch));
            teamView.CopyTeamView(scratch, team: 0); // the gateway encodes each client against its team's view
            var stored = history.Store(teamView);
            var encoded = encoder.Encode(stored, history, ack);
            for (var p = 0; p < encoded.PartCount; p++)
            {
                messages.Add(new MessageJson(tick, "Snapshot", Hex(encoded.Part(p, stored.LastInputOf(0)))));
            }

            while (events.Length > 0 && BattleEventsMessage.TryMeasure(events, out var length))
            {
                messages.Add(new MessageJson(tick, "BattleEvents", Hex(events[..length])));
                events = events[length..];
            }

            ack.Acknowledge(stored.Tick); // the client acks every tick it decoded: the next snapshot is a delta against it
        }

        return new WireJson(
            "The first 3 s of a seeded duel as player 0 receives it, one message per entry (hex of the whole game message, " +
            "header included): the BattleDefinition part(s), the BattleStart (the one player 1 gets follows for comparison), then " +
            "per tick its Snapshot part(s) (input ack = the tick, as the client's input n is applied in tick n) and its " +
            "BattleEvents. The client acks every tick, so tick 1 is full and every later tick a delta against the tick before. " +
            "The same battle as duel-first-seconds.json.",
            "duel", Seed, battle.TickRate, BattleId.ToString(),
            "tank 0 (slot 0, team 0, medium, user 1001) and tank 1 (slot 1, team 1, light, user 1002): the inputs of duel-first-seconds.json; " +
            "each input's sequence is the tick it is applied in",
            [.. messages]);
    }

    [Fact]
    public void The_wire_of_a_duels_first_seconds_is_the_file_byte_for_byte()
    {
        var generated = JsonSerializer.Serialize(Generate(), Json) + "\n";
        if (Environment.GetEnvironmentVariable("TANKS_WRITE_VECTORS") == "1")
        {
            System.IO.File.WriteAllText(Path_(), generated);
        }

        Assert.True(generated == System.IO.File.ReadAllText(Path_()), $"docs/vectors/{File} is not what the code sends (TANKS_WRITE_VECTORS=1 rewrites it)");
    }

    [Fact]
    public void Every_message_on_file_reads_back_and_the_snapshots_decode_against_the_clients_own_baselines()
    {
        var file = JsonSerializer.Deserialize<WireJson>(System.IO.File.ReadAllText(Path_()), Json)!;
        var states = new Dictionary<uint, WorldState>();
        var kinds = new Dictionary<string, int>();
        ulong hash = 0;
        var shots = 0;
        var hits = 0;
        var stops = 0;
        foreach (var m in file.Messages)
        {
            var bytes = Convert.FromHexString(m.Hex);
            kinds[m.Kind.Split(' ')[0]] = kinds.GetValueOrDefault(m.Kind.Split(' ')[0]) + 1;
            switch ((GameMessageType)bytes[0])
            {
                case GameMessageType.BattleDefinition:
                    Assert.Equal(GameMessageReadResult.Ok, BattleDefinitionMessage.TryReadPart(bytes, out var part));
                    Assert.Equal(GameMessageReadResult.Ok, BattleDefinitionMessage.TryReadBody(part.Data, out _));
                    hash = part.Hash;
                    break;
                case GameMessageType.BattleStart:
                    Assert.Equal(GameMessageReadResult.Ok, BattleStartMessage.TryRead(bytes, out var start));
                    Assert.Equal(hash, start.DefinitionHash);
                    Assert.Equal(2, start.PlayerCount);
                    break;
                case GameMessageType.Snapshot:
                    Assert.Equal(GameMessageReadResult.Ok, SnapshotMessage.TryRead(bytes, out var snapshot));
                    Assert.Equal(1, snapshot.PartCount);
                    Assert.Equal((uint)m.Tick, snapshot.Tick);
                    Assert.Equal((uint)m.Tick, snapshot.InputAck);
                    Assert.Equal(m.Tick == 1 ? 0 : 1, snapshot.BaselineAge);
                    var decoded = new WorldState();
                    var baseline = snapshot.BaselineAge == 0 ? null : states[snapshot.Tick - snapshot.BaselineAge];
                    Assert.Equal(SnapshotReadResult.Ok, DeltaCodec.Decode(snapshot.Data, snapshot.Tick, baseline, decoded));
                    states[snapshot.Tick] = decoded;
                    break;
                case GameMessageType.BattleEvents:
                    Assert.Equal(GameMessageReadResult.Ok, BattleEventsMessage.TryRead(bytes, out var events));
                    Assert.Equal((uint)m.Tick, events.Tick);
                    foreach (var e in events)
                    {
                        shots += e.Kind == WireEventKind.Shot ? 1 : 0;
                        hits += e.Kind == WireEventKind.Hit ? 1 : 0;
                        stops += e.Kind == WireEventKind.ShellStopped ? 1 : 0;
                    }

                    break;
                default:
                    Assert.Fail($"unexpected message {m.Kind}");
                    break;
            }
        }

        Assert.Equal(Ticks, states.Count);
        Assert.Equal(1, kinds["BattleDefinition"]);
        Assert.Equal(2, kinds["BattleStart"]);
        Assert.True(shots >= 3 && hits >= 1 && stops >= 1, $"{shots} shots, {hits} hits, {stops} stops");
    }
}
