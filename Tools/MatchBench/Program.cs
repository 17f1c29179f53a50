namespace Tanks.MatchBench;

// The matchmaking grains under churn at a given population, on an in-process cluster with real Redis storage.
// See README.md and docs/matchmaking-bench.md.
//   dotnet run -c Release --project Tools/MatchBench -- --players 1000,10000,100000 --json
public static class Program
{
    public static Task<int> Main(string[] args) => BenchCommand.RunAsync(args);
}
