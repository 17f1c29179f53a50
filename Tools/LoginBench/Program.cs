using System.Diagnostics;
using Microsoft.Extensions.Options;
using Tanks.Client.Auth;
using Tanks.Grains.Accounts;

// Login latency of one client against a running stack, beside the time of one Argon2id hash on this machine.
// Usage: dotnet run -c Release --project Tools/LoginBench -- [host] [port] [logins]
var host = args.Length > 0 ? args[0] : "127.0.0.1";
var port = args.Length > 1 ? int.Parse(args[1]) : 8888;
var count = Math.Clamp(args.Length > 2 ? int.Parse(args[2]) : 200, 10, 10_000);

var hasher = new PasswordHasher(Options.Create(new AccountOptions()));
var hashTimes = new List<double>();
for (var i = 0; i < 30; i++)
{
    var watch = Stopwatch.StartNew();
    hasher.Hash("correct horse battery");
    hashTimes.Add(watch.Elapsed.TotalMilliseconds);
}

await using var client = await AuthClient.ConnectAsync(host, port);
var name = "bench_" + Guid.NewGuid().ToString("N")[..10];
var registered = await client.RegisterAsync(name, "correct horse battery");
if (!registered.Ok)
{
    Console.Error.WriteLine($"register failed: {registered.ErrorCode}");
    return 1;
}

var times = new List<double>(count);
for (var i = 0; i < count + 5; i++)
{
    var watch = Stopwatch.StartNew();
    var result = await client.LoginAsync(name, "correct horse battery");
    var elapsed = watch.Elapsed.TotalMilliseconds;
    if (!result.Ok)
    {
        Console.Error.WriteLine($"login failed: {result.ErrorCode} (raise TcpGateway__AuthBurstPerAddress for long runs)");
        return 1;
    }

    if (i >= 5)
    {
        times.Add(elapsed); // the first few warm up JIT and connections
    }
}

Console.WriteLine($"Argon2id m=19 MiB t=2 p=1, one hash: median {Percentile(hashTimes, 50):F1} ms ({Environment.ProcessorCount} cores)");
Console.WriteLine($"login, one client, {times.Count} sequential: p50 {Percentile(times, 50):F1} ms  p95 {Percentile(times, 95):F1} ms  p99 {Percentile(times, 99):F1} ms  max {times.Max():F1} ms");
return 0;

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p / 100 * sorted.Length) - 1)];
}
