using BenchmarkDotNet.Attributes;
using Tanks.Game;

namespace Tanks.Benchmarks;

/// <summary>
/// The <see cref="GameTickBenchmarks"/> tick (14 tanks on crossroads, all moving, aiming and firing) with spotting off
/// and on, in one run so a shared machine's noise hits both alike: the difference is the spotting pass (view range,
/// camouflage, line of sight against the map's obstacles for every pair in range, decay, events, shell visibility).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 8, iterationCount: 20, invocationCount: 1)]
public class SpottingBenchmarks
{
    private const int Tanks = 14;
    private const int WarmUpTicks = 200;
    private const int TicksPerInvoke = 1000;
    private readonly TankInput[][] _script = new TankInput[WarmUpTicks + TicksPerInvoke][];
    private BattleSetup _setup = null!;
    private Battle _battle = null!;

    [Params(false, true)]
    public bool Spotting { get; set; }

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
        _setup = new BattleSetup(BuiltInMaps.Crossroads, players, 12345)
        {
            Classes = classes,
            Rules = BattleRules.Default with { Spotting = Spotting },
        };

        // The same script as GameTickBenchmarks: tanks re-steer every 1.5 s and fire at an enemy whenever loaded.
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

    [Benchmark(Description = "14-tank tick", OperationsPerInvoke = TicksPerInvoke)]
    public int Tick()
    {
        var seen = 0;
        for (var t = WarmUpTicks; t < _script.Length; t++)
        {
            _battle.Step(_script[t]);
            seen += _battle.VisibleTo(t % Tanks) + _battle.Events.Length;
        }
        return seen;
    }
}
