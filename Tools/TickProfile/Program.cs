using System.CommandLine;
using System.Diagnostics;
using Tanks.Game;
using Tanks.Grains.Sessions;
using Tanks.Measurement;

// Per-tick cost of a SessionGrain's work for a 7v7 battle, tick by tick (BenchmarkDotNet batches ticks, so it gives
// medians only): the simulation step alone, and step + quantized world state (what the grain pushes each tick).
// Usage: dotnet run -c Release --project Tools/TickProfile -- [battles=10] [seconds of game time per battle=420]
var battlesArgument = new Argument<int>("battles") { Description = "battles to play", DefaultValueFactory = _ => 10 };
var secondsArgument = new Argument<int>("seconds") { Description = "game seconds per battle (at most)", DefaultValueFactory = _ => 420 };
var root = new RootCommand("Per-tick cost of a 7v7 battle on a SessionGrain: the simulation step, and step + quantized world state.")
{
    battlesArgument, secondsArgument,
};
var exit = ToolCommandLine.Fatal;
root.SetAction(async parse => exit = await ToolCommandLine.RunAsync(
    () => (Battles: ToolCommandLine.Positive(parse.GetValue(battlesArgument), "battles"), Seconds: ToolCommandLine.Positive(parse.GetValue(secondsArgument), "seconds")),
    o => Task.FromResult(Profile(o.Battles, o.Seconds))));
return await ToolCommandLine.InvokeAsync(root, args, () => exit);

static int Profile(int battles, int seconds)
{
    const int tickRate = 20;

    var step = new List<double>();
    var full = new List<double>();
    long allocated = 0, ticks = 0;
    for (var b = 0; b < battles; b++)
    {
        var players = Enumerable.Range(0, 14).Select(i => new PlayerSlot(i % 2, i % 3, i + 1)).ToArray();
        var battle = new Battle(new BattleSetup(BuiltInMaps.Crossroads, players, (ulong)(b + 1)) { TickRate = tickRate });
        var world = new WorldStateBuilder();
        var state = new byte[Tanks.Protocol.Snapshots.WorldState.MaxBinaryBytes];
        var inputs = new TankInput[14];
        var random = new Random(b);
        for (var t = 0; t < seconds * tickRate && !battle.IsOver; t++)
        {
            Bots(battle, inputs, random);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            battle.Step(inputs);
            var stepped = Stopwatch.GetTimestamp();
            world.Build(battle).WriteTo(state);
            var done = Stopwatch.GetTimestamp();
            allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (t >= tickRate) // the first second warms up the JIT
            {
                step.Add(Stopwatch.GetElapsedTime(started, stepped).TotalMicroseconds);
                full.Add(Stopwatch.GetElapsedTime(started, done).TotalMicroseconds);
                ticks++;
            }
        }
    }

    Console.WriteLine($"{battles} battles of 7v7 on crossroads, {ticks} ticks measured, {Environment.ProcessorCount} cores");
    Print("simulation step", step);
    Print("step + quantized world state", full);
    Console.WriteLine($"allocated per tick (step + world state, excluding warm-up and the first tick): {(double)allocated / Math.Max(1, ticks):F1} B");
    Console.WriteLine($"battles per core at {tickRate} Hz (by mean step + world state): {1_000_000.0 / (full.Average() * tickRate):N0}");
    return 0;
}

static void Print(string what, List<double> values)
{
    var sorted = values.Order().ToArray();
    double P(double p) => Percentile.NearestRank(sorted, p);
    Console.WriteLine($"{what,-30} median {P(50),7:F2} µs  p99 {P(99),7:F2} µs  p99.9 {P(99.9),7:F2} µs  max {sorted[^1],8:F2} µs  mean {values.Average(),6:F2} µs");
}

// Each tank drives toward the nearest living enemy, turns toward it, aims and fires (like Tools/SampleClient).
static void Bots(Battle battle, TankInput[] inputs, Random random)
{
    var tanks = battle.Tanks;
    for (var i = 0; i < tanks.Length; i++)
    {
        var self = tanks[i];
        var best = -1;
        var bestDistance = float.MaxValue;
        for (var j = 0; j < tanks.Length; j++)
        {
            if (tanks[j].Team != self.Team && tanks[j].IsAlive)
            {
                var d = MathF.Abs(tanks[j].X - self.X) + MathF.Abs(tanks[j].Y - self.Y);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = j;
                }
            }
        }

        if (best < 0)
        {
            inputs[i] = default;
            continue;
        }

        var yaw = MathF.Atan2(tanks[best].Y - self.Y, tanks[best].X - self.X);
        var turn = GameMath.WrapAngle(yaw - self.HullAngle);
        inputs[i] = new TankInput(bestDistance > 60 ? 1f : 0.2f, Math.Clamp(turn * 2, -1, 1) + (float)(random.NextDouble() - 0.5) * 0.2f, yaw, random.Next(3) == 0);
    }
}
