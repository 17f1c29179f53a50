using BenchmarkDotNet.Attributes;
using Tanks.Game;

namespace Tanks.Benchmarks;

/// <summary>
/// One 7v7 tick on the built-in map: all 14 tanks moving, turning, aiming at enemies and firing whenever loaded, plus
/// the state copy a SessionGrain makes for the snapshot encoder. An invocation runs <see cref="TicksPerInvoke"/> ticks of
/// a battle that each iteration's setup builds and warms up (so construction is not measured and shells are in flight);
/// results are per tick. Hit points are huge so nobody dies and the battle stays busy.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 12, iterationCount: 20, invocationCount: 1)]
public class GameTickBenchmarks
{
    private const int Tanks = 14;
    private const int WarmUpTicks = 200;
    private const int TicksPerInvoke = 1000;
    private readonly TankInput[][] _script = new TankInput[WarmUpTicks + TicksPerInvoke][];
    private readonly TankSnapshot[] _tankState = new TankSnapshot[Tanks];
    private ShellSnapshot[] _shellState = [];
    private BattleSetup _setup = null!;
    private Battle _battle = null!;

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
        _setup = new BattleSetup(BuiltInMaps.Crossroads, players, 12345) { Classes = classes };

        // Pre-script the inputs from a dry run, so the benchmark measures only the simulation.
        var dry = new Battle(_setup);
        var random = new DeterministicRandom(7);
        var throttle = new float[Tanks];
        var steering = new float[Tanks];
        for (var t = 0; t < _script.Length; t++)
        {
            var inputs = _script[t] = new TankInput[Tanks];
            for (var i = 0; i < Tanks; i++)
            {
                if ((t + i * 5) % 30 == 0)
                {
                    throttle[i] = (0.4f + 0.6f * random.NextFloat()) * (random.NextFloat() < 0.2f ? -1 : 1);
                    steering[i] = random.NextSigned();
                }
                var me = dry.Tanks[i];
                var enemy = dry.Tanks[(i < 7 ? 7 : 0) + (i + t / 50) % 7];
                var yaw = MathF.Atan2(enemy.Y - me.Y, enemy.X - me.X);
                inputs[i] = new TankInput(throttle[i], steering[i], yaw, true);
            }
            dry.Step(inputs);
        }
        _shellState = new ShellSnapshot[dry.ShellCapacity];
    }

    [IterationSetup]
    public void BuildAndWarmBattle()
    {
        _battle = new Battle(_setup);
        for (var t = 0; t < WarmUpTicks; t++)
        {
            _battle.Step(_script[t]);
        }
    }

    [Benchmark(Description = "14-tank tick + state copy", OperationsPerInvoke = TicksPerInvoke)]
    public int Tick()
    {
        var work = 0;
        for (var t = WarmUpTicks; t < _script.Length; t++)
        {
            _battle.Step(_script[t]);
            _battle.WriteTanks(_tankState);
            work += _battle.WriteShells(_shellState) + _battle.Events.Length;
        }
        return work;
    }
}
