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
    private const int Tanks = BusyBattle.Tanks;
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
        _setup = BusyBattle.Setup();
        var dry = BusyBattle.Script(_setup, _script);
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
