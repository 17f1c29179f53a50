using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tanks.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>
/// The known-answer vectors in docs/vectors/ (README there): the IntegerTrig table, hand-made world-state pairs, and the
/// first three seconds of a seeded duel, each with the exact bytes <see cref="DeltaCodec"/> gives. Built here; written to
/// the files only with TANKS_WRITE_VECTORS=1, otherwise the files are read back and checked both ways.
/// </summary>
internal static class SnapshotVectors
{
    public const string TrigFile = "integer-trig.json";
    public const string CasesFile = "delta-cases.json";
    public const string DuelFile = "duel-first-seconds.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>docs/vectors of the repository this test runs from (found by walking up to Tanks.slnx).</summary>
    public static string Directory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tanks.slnx")))
            {
                return Path.Combine(dir.FullName, "docs", "vectors");
            }
        }
        throw new InvalidOperationException("Tanks.slnx not found above " + AppContext.BaseDirectory);
    }

    // ---- JSON model: plain fields, as a client in another language would hold them ----

    public sealed record TankJson(
        int Id, int Team, int ClassId, int X, int Y, int Hull, int Turret, int Hp, bool Alive, int Reload, int Speed, int TurnRate);

    public sealed record ShellJson(uint Id, int Owner, int X, int Y, int Angle, int Speed, uint SpawnTick);

    public sealed record StateJson(
        uint Tick, int TicksLeft, int Capture0, int Capture1, int Winner, int EndReason, TankJson[] Tanks, ShellJson[] Shells);

    public sealed record TrigJson(
        string Description, int Steps, int Scale, string TableSha256, long TableHash31, Dictionary<string, int> Checkpoints,
        Dictionary<string, int[]> AngleChecks, int[] Table);

    public sealed record CaseJson(string Name, string Description, StateJson? Baseline, StateJson Current, uint N, int DeltaBits, string Delta, string Full);

    public sealed record CasesJson(string Description, CaseJson[] Cases);

    public sealed record TickJson(StateJson State, string? Delta, string? Full);

    public sealed record DuelJson(string Description, string Map, ulong Seed, int TickRate, string Inputs, TickJson[] Ticks);

    public static StateJson ToJson(WorldState s)
    {
        var h = s.Header;
        return new StateJson(h.Tick, h.TicksLeft, h.Capture0, h.Capture1, h.Winner, h.EndReason,
            [.. s.Tanks.ToArray().Select(t => new TankJson(
                t.Id, t.Team, t.ClassId, t.X, t.Y, t.HullAngle, t.TurretAngle, t.HitPoints, t.IsAlive, t.Reload, t.Speed, t.TurnRate))],
            [.. s.Shells.ToArray().Select(x => new ShellJson(x.Id, x.Owner, x.X, x.Y, x.Angle, x.Speed, x.SpawnTick))]);
    }

    public static WorldState FromJson(StateJson j)
    {
        var s = new WorldState();
        s.Clear(new SnapshotHeader(j.Tick, (ushort)j.TicksLeft, (byte)j.Capture0, (byte)j.Capture1, (byte)j.Winner, (byte)j.EndReason));
        foreach (var t in j.Tanks)
        {
            s.AddTank(new QuantizedTank((ushort)t.Id, (byte)t.Team, (byte)t.ClassId, t.X, t.Y, (ushort)t.Hull, (ushort)t.Turret,
                (ushort)t.Hp, t.Alive, (byte)t.Reload, (short)t.Speed, (short)t.TurnRate));
        }
        foreach (var x in j.Shells)
        {
            s.AddShell(new QuantizedShell(x.Id, (ushort)x.Owner, x.X, x.Y, (ushort)x.Angle, (ushort)x.Speed, x.SpawnTick));
        }
        return s;
    }

    public static string Encode(WorldState current, WorldState? baseline)
    {
        var buffer = new byte[SnapshotLimits.MaxEncodedBytes];
        var n = DeltaCodec.Encode(current, baseline, buffer);
        return Convert.ToHexStringLower(buffer, 0, n);
    }

    // ---- (a) IntegerTrig ----

    public static int[] Table() => [.. Enumerable.Range(0, IntegerTrig.Steps).Select(IntegerTrig.Entry)];

    public static string TableSha256(int[] table)
    {
        var bytes = new byte[table.Length * 4];
        for (var i = 0; i < table.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), table[i]);
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    public static long TableHash31(int[] table)
    {
        long hash = 17;
        foreach (var v in table)
        {
            hash = unchecked(hash * 31 + v);
        }
        return hash;
    }

    public static readonly int[] CheckpointIndexes = [0, 1, 2, 3, 100, 256, 341, 512, 683, 1000, 1022, 1023, 1024, 1025, 1500, 2048, 2500, 3072, 3500, 4095];

    public static readonly ushort[] CheckAngles = [0, 15, 16, 5461, 8192, 16383, 16384, 16400, 32768, 40000, 49152, 65535];

    public static TrigJson Trig()
    {
        var table = Table();
        return new TrigJson(
            "IntegerTrig: cos(i·2π/4096)·2^14 for i = 0..4095; cosOf(a) = table[a >> 4], sinOf(a) = table[((a − 16384) mod 65536) >> 4]. " +
            "tableSha256 = SHA-256 of the 4096 entries as little-endian int32; tableHash31: h = 17, then h = h·31 + entry over all entries in " +
            "order, in wrapping signed 64-bit. angleChecks: angle → [cosOf, sinOf].",
            IntegerTrig.Steps, 1 << IntegerTrig.Shift, TableSha256(table), TableHash31(table),
            CheckpointIndexes.ToDictionary(i => i.ToString(), i => table[i]),
            CheckAngles.ToDictionary(a => a.ToString(), a => new[] { IntegerTrig.CosOf(a), IntegerTrig.SinOf(a) }),
            table);
    }

    // ---- (b) hand-made pairs ----

    private static WorldState State(SnapshotHeader header, IEnumerable<QuantizedTank> tanks, IEnumerable<QuantizedShell> shells)
    {
        var s = new WorldState();
        s.Clear(header);
        foreach (var t in tanks)
        {
            s.AddTank(t);
        }
        foreach (var x in shells)
        {
            s.AddShell(x);
        }
        return s;
    }

    private static SnapshotHeader Running(uint tick, int ticksLeft) => new(tick, (ushort)ticksLeft, 0, 0, SnapshotHeader.NoWinner, 0);

    /// <summary>The tank exactly as the decoder predicts it <paramref name="n"/> ticks on (same speed and turn rate).</summary>
    private static QuantizedTank Predicted(QuantizedTank b, uint n)
    {
        var hull = DeltaCodec.PredictHull(b, b.TurnRate, n);
        DeltaCodec.Predict(b, hull, b.Speed, n, out var x, out var y);
        return b with { X = x, Y = y, HullAngle = hull, Reload = (byte)Math.Max(0, b.Reload - (int)n) };
    }

    private static (string Name, string Description, WorldState? Baseline, WorldState Current)[] Pairs()
    {
        var t0 = new QuantizedTank(0, 0, 1, 12_000, 8_050, 16_384, 8_192, 1_200, true, 0, 500, 0);
        var shell7 = new QuantizedShell(7, 0, 12_250, 8_050, 0, 2_300, 99);
        var example100 = State(Running(100, 8_300), [t0], [shell7]);
        var t0At103 = Predicted(t0, 3);
        var example103 = State(Running(103, 8_297), [t0At103], [shell7]);
        var hull104 = DeltaCodec.PredictHull(t0, 9, 4);
        DeltaCodec.Predict(t0, hull104, 500, 4, out var x104, out var y104);
        var example104 = State(Running(104, 8_296),
            [t0 with { X = x104 + 3, Y = y104, HullAngle = hull104, TurretAngle = 8_292, TurnRate = 9 }],
            [new QuantizedShell(8, 0, 12_000, 8_400, hull104, 2_300, 104)]);

        // Steady drive: a straight driver, a steady turner, a parked tank; all exactly predicted 3 ticks on.
        var a = new QuantizedTank(1, 0, 0, 30_000, 40_000, 5_461, 5_461, 900, true, 7, 600, 0);
        var b = new QuantizedTank(2, 0, 1, 31_000, 40_500, 60_000, 100, 1_200, true, 0, 400, 273);
        var c = new QuantizedTank(3, 1, 2, 50_000, 52_000, 32_768, 30_000, 1_600, true, 0, 0, 0);
        var steadyBase = State(Running(200, 8_200), [a, b, c], []);
        var steady = State(Running(203, 8_197), [Predicted(a, 3), Predicted(b, 3), Predicted(c, 3)], []);

        // Turning with a position error: tank 1 starts turning (turn rate 0 → 150), is 3 cm east and 2 cm south of its
        // prediction, hull 2 units past the predicted hull; tank 2 is the "typical" mover (hull, position, turret off only).
        var turnHull = DeltaCodec.PredictHull(a, 150, 2);
        DeltaCodec.Predict(a, (ushort)(turnHull + 2), a.Speed, 2, out var ax, out var ay);
        var bPred = Predicted(b, 2);
        var turning = State(Running(202, 8_198),
            [
                a with { X = ax + 3, Y = ay - 2, HullAngle = (ushort)(turnHull + 2), TurnRate = 150, Reload = 5 },
                bPred with { X = bPred.X - 40, Y = bPred.Y + 9, HullAngle = (ushort)(bPred.HullAngle - 1), TurretAngle = 65_500 },
                c,
            ], []);

        // Roster change: tank 2 left; every tank is sent in full.
        var roster = State(Running(201, 8_199), [Predicted(a, 1), Predicted(c, 1)], []);

        // Shells against a baseline holding 10 and 11: ids 5 (below the largest: absolute), 12 (gap 7 after 5),
        // 15 (gap 3), 200000 (a gap whose gamma code is longer than 32 bits: absolute); 10 and 11 stay.
        var s10 = new QuantizedShell(10, 1, 30_500, 40_300, 5_461, 2_000, 198);
        var s11 = new QuantizedShell(11, 3, 50_000, 51_000, 16_384, 1_800, 199);
        var shellBase = State(Running(200, 8_200), [c], [s10, s11]);
        var added = State(Running(201, 8_199), [c],
        [
            s10, s11,
            new QuantizedShell(5, 2, 31_000, 40_500, 60_000, 2_300, 150),
            new QuantizedShell(12, 1, 30_600, 40_300, 5_461, 2_000, 201),
            new QuantizedShell(15, 3, 50_000, 51_500, 16_000, 1_800, 200),
            new QuantizedShell(200_000, 3, 50_010, 51_500, 16_000, 1_800, 201),
        ]);

        // Shells removed: 10, 12 and 13 of 10..13 (indexes 0, 2, 3: gaps 1, 2, 1); 11 stays.
        var s12 = new QuantizedShell(12, 0, 1_000, 2_000, 0, 2_300, 199);
        var s13 = new QuantizedShell(13, 0, 1_000, 2_100, 100, 2_300, 200);
        var removeBase = State(Running(200, 8_200), [c], [s10, s11, s12, s13]);
        var removed = State(Running(202, 8_198), [c], [s11]);

        // Header changes: ticks left not as predicted, team 0's capture 12 → 13, the battle just ended (team 1, captured).
        var headerBase = State(new SnapshotHeader(300, 8_100, 12, 0, SnapshotHeader.NoWinner, 0), [c], []);
        var header = State(new SnapshotHeader(301, 8_000, 13, 100, 1, 2), [c], []);

        // A baseline with no shells: shell 57 costs 1 + gamma(57) = 12 bits of id instead of 33 (ids count from 0).
        var quietBase = State(Running(400, 8_000), [c], []);
        var quiet = State(Running(401, 7_999), [c], [new QuantizedShell(57, 3, 50_200, 52_000, 32_768, 1_800, 401)]);

        return
        [
            ("example-full-tick-100", "docs/protocol.md example: one tank and one shell, in full (no baseline)", null, example100),
            ("example-steady-103", "docs/protocol.md example: the tank drove 1.5 m north exactly as predicted, n = 3", example100, example103),
            ("example-turn-104", "docs/protocol.md example: turning (turn rate 9), 3 cm east of its prediction, turret moved; shell 7 gone, shell 8 new", example100, example104),
            ("steady-drive", "three tanks exactly as predicted after 3 ticks (straight, steady curve, parked): 1 bit each", steadyBase, steady),
            ("turn-with-position-error", "tank 1 starts turning and is off its prediction (6 flags); tank 2 is the 'typical' mover (1 flag bit)", steadyBase, turning),
            ("roster-change", "tank 2 left: the roster bit is 0 and every tank is sent in full", steadyBase, roster),
            ("shells-added", "shells added relative (gaps 7 and 3) and absolute (below the baseline's largest id; a gap over 65535)", shellBase, added),
            ("shells-removed", "three of four baseline shells removed (index gaps 1, 2, 1)", removeBase, removed),
            ("header-changes", "ticks left not predicted, capture 0 changed, capture 1 changed, the result changed", headerBase, header),
            ("no-shells-baseline", "a new shell against a baseline with no shells: its id relative to 0", quietBase, quiet),
            ("empty-world-full", "no tanks, no shells, in full", null, State(Running(1, 8_399), [], [])),
        ];
    }

    public static CasesJson Cases()
    {
        var cases = new List<CaseJson>();
        foreach (var (name, description, baseline, current) in Pairs())
        {
            var delta = Encode(current, baseline);
            cases.Add(new CaseJson(name, description, baseline is null ? null : ToJson(baseline), ToJson(current),
                baseline is null ? 0 : current.Tick - baseline.Tick, DeltaCodec.EncodedBits(current, baseline), delta, Encode(current, null)));
        }
        return new CasesJson(
            "DeltaCodec known answers: for each case, delta = the bit stream of current against baseline (n = current.tick − " +
            "baseline.tick; no baseline = a full snapshot), full = current against the empty baseline. Hex of the Snapshot " +
            "message's data only (no message header). deltaBits = bits before the zero padding.",
            [.. cases]);
    }

    // ---- (c) a seeded duel, quantized as the SessionGrain's WorldStateBuilder does ----

    public const ulong DuelSeed = 20_261_202;
    public const int DuelTicks = 60;

    public const string DuelInputs =
        "tank 0 (team 0, medium): throttle 1, steering 0 until tick 20, then steering 0.5; turret yaw π/2; fires at ticks 8 and 45. " +
        "tank 1 (team 1, light): throttle 0.6, steering −0.3; turret yaw −π/2 + 0.05; fires at ticks 3, 30 and 55. " +
        "Fire is one press: set on that tick's input only (as the SessionGrain clears it after each step).";

    private static TankInput DuelInput(int tank, int tick) => tank == 0
        ? new TankInput(1f, tick <= 20 ? 0f : 0.5f, MathF.PI / 2, tick is 8 or 45)
        : new TankInput(0.6f, -0.3f, -MathF.PI / 2 + 0.05f, tick is 3 or 30 or 55);

    public static Battle NewDuel() =>
        new(new BattleSetup(BuiltInMaps.Duel, [new PlayerSlot(0, 1, 1001), new PlayerSlot(1, 0, 1002)], DuelSeed));

    /// <summary>Steps <paramref name="battle"/> once with the scripted inputs of its next tick.</summary>
    public static void StepDuel(Battle battle, TankInput[] inputs)
    {
        var tick = battle.Tick + 1;
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = DuelInput(i, tick);
        }
        battle.Step(inputs);
    }

    /// <summary>
    /// What <c>Grains/Sessions/WorldStateBuilder.Build</c> does (same calls, same order, tick offset 0): the header from
    /// the battle, each tank with its velocity and the hull's change since the last tick, each shell with its launch record
    /// kept from the previous state.
    /// </summary>
    public sealed class Builder
    {
        private WorldState _current = new();
        private WorldState _previous = new();
        private float[] _previousHulls = [];
        private bool _hasPrevious;

        public WorldState Build(Battle battle)
        {
            (_previous, _current) = (_current, _previous);
            var result = battle.Result;
            _current.Clear(SnapshotQuantizer.Header(
                battle.Tick, battle.TicksLeft, battle.CaptureProgress(0), battle.CaptureProgress(1),
                result.IsOver ? result.Winner : -1, result.IsOver ? (int)result.Reason : 0));
            var tanks = battle.Tanks;
            if (_previousHulls.Length != tanks.Length)
            {
                _previousHulls = new float[tanks.Length];
                _hasPrevious = false;
            }
            for (var i = 0; i < tanks.Length; i++)
            {
                var t = tanks[i];
                var turn = _hasPrevious ? GameMath.WrapAngle(t.HullAngle - _previousHulls[i]) * battle.TickRate : 0f;
                _current.TryAddTank(SnapshotQuantizer.Tank(
                    t.Id, t.Team, t.ClassId, t.X, t.Y, t.HullAngle, t.TurretAngle, t.HitPoints, t.IsAlive, t.ReloadTicksLeft,
                    t.VelocityX, t.VelocityY, turn, battle.TickRate));
                _previousHulls[i] = t.HullAngle;
            }
            _hasPrevious = true;
            foreach (var s in battle.Shells)
            {
                _current.TryAddShell(SnapshotQuantizer.Shell(s.Id, s.Owner, s.X, s.Y, s.Angle, s.Speed, battle.Tick, _previous));
            }
            return _current;
        }
    }

    public static DuelJson Duel()
    {
        var battle = NewDuel();
        var builder = new Builder();
        var inputs = new TankInput[2];
        var previous = new WorldState();
        var ticks = new List<TickJson>();
        for (var i = 0; i < DuelTicks && !battle.IsOver; i++)
        {
            StepDuel(battle, inputs);
            var state = builder.Build(battle);
            ticks.Add(i == 0
                ? new TickJson(ToJson(state), null, Encode(state, null))
                : new TickJson(ToJson(state), Encode(state, previous), null));
            previous.CopyFrom(state);
        }
        return new DuelJson(
            "A seeded Game.Battle on the duel map, 1v1, 20 Hz, quantized each tick as the SessionGrain does (tick offset 0). " +
            "ticks[0] is tick 1 with its full snapshot; every later tick has its delta against the tick before (n = 1). " +
            "Hex of the Snapshot message's data only. Game runs on floats (MathF): regenerate these on your platform only to " +
            "compare, the codec check is platform-free.",
            "duel", DuelSeed, battle.TickRate, DuelInputs, [.. ticks]);
    }

    public static void WriteAll()
    {
        var dir = Directory();
        System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, TrigFile), JsonSerializer.Serialize(Trig(), Json) + "\n");
        File.WriteAllText(Path.Combine(dir, CasesFile), JsonSerializer.Serialize(Cases(), Json) + "\n");
        File.WriteAllText(Path.Combine(dir, DuelFile), JsonSerializer.Serialize(Duel(), Json) + "\n");
    }
}
