using BenchmarkDotNet.Attributes;
using Tanks.Client.Game;
using Tanks.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Benchmarks;

/// <summary>
/// The gateway's per-client snapshot work and the client's decode, on states of a real 7v7 battle (14 tanks driving,
/// turning, aiming and firing) with 20 shells in flight (one fired and one gone per tick). Deltas are against the state
/// 3 ticks back (the typical acked baseline at 100 ms RTT, 20 Hz). Each invocation runs every prepared tick once;
/// results are per snapshot.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 5, iterationCount: 15)]
public class SnapshotCodecBenchmarks
{
    private const int Tanks = 14;
    private const int Ticks = 200;
    private const int Age = 3;
    private const int Shells = 20;
    private readonly WorldState[] _states = new WorldState[Ticks];
    private readonly SnapshotHistory _history = new(256); // holds all prepared ticks
    private readonly SnapshotEncoder _encoder = new();
    private readonly byte[][] _deltas = new byte[Ticks][];
    private readonly byte[][] _fulls = new byte[Ticks][];
    private readonly byte[] _binary = new byte[WorldState.MaxBinaryBytes];
    private readonly WorldState _decoded = new();
    private readonly SnapshotReceiver _receiver = new();

    [GlobalSetup]
    public void Setup()
    {
        var players = new PlayerSlot[Tanks];
        for (var i = 0; i < Tanks; i++)
        {
            players[i] = new PlayerSlot(i / 7, i % 3, i);
        }
        var classes = TankClasses.All();
        for (var i = 0; i < classes.Length; i++)
        {
            classes[i] = classes[i] with { HitPoints = 1_000_000 };
        }
        var battle = new Battle(new BattleSetup(BuiltInMaps.Crossroads, players, 12345) { Classes = classes });
        var random = new DeterministicRandom(7);
        var inputs = new TankInput[Tanks];
        var throttle = new float[Tanks];
        var steering = new float[Tanks];
        var tanks = new TankSnapshot[Tanks];
        var hulls = new float[Tanks];
        for (var t = 0; t < 100 + Ticks; t++)
        {
            for (var i = 0; i < Tanks; i++)
            {
                if ((t + i * 5) % 30 == 0)
                {
                    throttle[i] = (0.4f + 0.6f * random.NextFloat()) * (random.NextFloat() < 0.2f ? -1 : 1);
                    steering[i] = random.NextSigned();
                }
                var me = battle.Tanks[i];
                var enemy = battle.Tanks[(i < 7 ? 7 : 0) + (i + t / 50) % 7];
                inputs[i] = new TankInput(throttle[i], steering[i], MathF.Atan2(enemy.Y - me.Y, enemy.X - me.X), true);
            }
            battle.Step(inputs);
            battle.WriteTanks(tanks);
            if (t >= 100)
            {
                var state = _states[t - 100] = new WorldState();
                var h = battle.Header;
                state.Clear(SnapshotQuantizer.Header(h.Tick, h.TicksLeft, h.CaptureProgressTeam0, h.CaptureProgressTeam1, -1, 0));
                foreach (var k in tanks)
                {
                    var turn = MathF.IEEERemainder(k.HullAngle - hulls[k.Id], 2 * MathF.PI) * battle.TickRate;
                    state.AddTank(SnapshotQuantizer.Tank(k.Id, k.Team, k.ClassId, k.X, k.Y, k.HullAngle, k.TurretAngle, k.HitPoints,
                        k.IsAlive, k.ReloadTicksLeft, k.VelocityX, k.VelocityY, turn, battle.TickRate));
                }
                // 20 shells in flight: shell ids t..t+19, each with a stable launch record.
                for (var s = 0; s < Shells; s++)
                {
                    var id = (uint)(t + s);
                    var owner = (int)(id % Tanks);
                    state.AddShell(new QuantizedShell(id, (ushort)owner, 20_000 + (int)id * 37 % 5000, 20_000 + (int)id * 91 % 5000,
                        (ushort)(id * 7919), 2300, (uint)(h.Tick - Shells + s)));
                }
            }
            for (var i = 0; i < Tanks; i++)
            {
                hulls[i] = tanks[i].HullAngle;
            }
        }
        for (var t = 0; t < Ticks; t++)
        {
            _history.Store(_states[t]);
            _deltas[t] = Part(_encoder.Encode(_states[t], t >= Age ? _states[t - Age] : null));
            _fulls[t] = Part(_encoder.Encode(_states[t], null));
        }
        Console.WriteLine($"// delta bytes/snapshot {_deltas.Skip(Age).Average(d => d.Length):F1}, full {_fulls.Average(d => d.Length):F1}");
    }

    private static byte[] Part(EncodedSnapshot encoded) => encoded.PartCount == 1
        ? encoded.Part(0).ToArray()
        : throw new InvalidOperationException("expected one part");

    [Benchmark(Description = "delta encode (14 tanks, 20 shells, age 3) + parts", OperationsPerInvoke = Ticks - Age)]
    public int DeltaEncode()
    {
        var bytes = 0;
        for (var t = Age; t < Ticks; t++)
        {
            bytes += _encoder.Encode(_states[t], _states[t - Age]).TotalBytes;
        }
        return bytes;
    }

    [Benchmark(Description = "delta decode", OperationsPerInvoke = Ticks - Age)]
    public int DeltaDecode()
    {
        var tanks = 0;
        for (var t = Age; t < Ticks; t++)
        {
            DeltaCodec.Decode(_deltas[t].AsSpan(8), _states[t].Tick, _states[t - Age], _decoded);
            tanks += _decoded.Tanks.Length;
        }
        return tanks;
    }

    [Benchmark(Description = "full encode + parts", OperationsPerInvoke = Ticks)]
    public int FullEncode()
    {
        var bytes = 0;
        for (var t = 0; t < Ticks; t++)
        {
            bytes += _encoder.Encode(_states[t], null).TotalBytes;
        }
        return bytes;
    }

    [Benchmark(Description = "full decode", OperationsPerInvoke = Ticks)]
    public int FullDecode()
    {
        var tanks = 0;
        for (var t = 0; t < Ticks; t++)
        {
            DeltaCodec.Decode(_fulls[t].AsSpan(8), _states[t].Tick, null, _decoded);
            tanks += _decoded.Tanks.Length;
        }
        return tanks;
    }

    [Benchmark(Description = "gateway per client: ack lookup in history + delta encode", OperationsPerInvoke = Ticks - Age)]
    public int EncodeFromHistory()
    {
        var bytes = 0;
        for (var t = Age; t < Ticks; t++)
        {
            var ack = new SnapshotAck();
            ack.Acknowledge(_states[t - Age].Tick);
            bytes += _encoder.Encode(_states[t], _history, ack).TotalBytes;
        }
        return bytes;
    }

    [Benchmark(Description = "grain → gateway binary write + read", OperationsPerInvoke = Ticks)]
    public int BinaryRoundTrip()
    {
        var n = 0;
        for (var t = 0; t < Ticks; t++)
        {
            var written = _states[t].WriteTo(_binary);
            WorldState.TryRead(_binary.AsSpan(0, written), _decoded);
            n += written;
        }
        return n;
    }

    [Benchmark(Description = "client receive (SnapshotReceiver, deltas against its own history)", OperationsPerInvoke = Ticks)]
    public int Receive()
    {
        _receiver.Reset();
        var ok = 0;
        for (var t = 0; t < Ticks; t++)
        {
            // Tick 0..2 full, then deltas against 3 ticks back, which the receiver holds.
            ok += _receiver.Receive(t < Age ? _fulls[t] : _deltas[t]) == SnapshotReadResult.Ok ? 1 : 0;
        }
        return ok;
    }
}
