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
    private const int Tanks = BusyBattle.Tanks;
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
        _setup = BusyBattle.Setup(BattleRules.Default with { Spotting = Spotting });
        BusyBattle.Script(_setup, _script); // the same script as GameTickBenchmarks
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
