namespace Tanks.LoginBench;

// Login throughput of the stack against the Argon2id ceiling (cores ÷ one hash), and login latency at 80 % of it.
// See docs/performance.md; Tools/LoginBench/measure.sh starts a stack on loopback ports and runs it.
//   dotnet run -c Release --project Tools/LoginBench -- --tcp 127.0.0.1:8888 --repeats 3 --report login.json
public static class Program
{
    public static Task<int> Main(string[] args) => BenchCommand.RunAsync(args);
}
