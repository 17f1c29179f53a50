using System.CommandLine;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tanks.Grains;
using Tanks.Grains.Interfaces;
using Tanks.Measurement;
using Tanks.ServiceDefaults;

// What Orleans TLS costs a gateway's grain call: one silo and one external client (as Gateway.Tcp/Udp are) on real
// loopback sockets, TLS off then on with certificates like the chart's (RSA 2048). Sequential calls give the round
// trip; calls kept in flight give the throughput of one client connection. Each mode runs in a fresh silo and client.
// The modes alternate for a few rounds (off, on, off, on, ...) so a busy machine's drift hits both alike.
// Usage: dotnet run -c Release --project Tools/OrleansTlsBench -- [sequential calls=20000] [in flight=64] [seconds=5] [rounds=3]
var sequentialArgument = new Argument<int>("sequential") { Description = "sequential calls (the round trip)", DefaultValueFactory = _ => 20_000 };
var inFlightArgument = new Argument<int>("in-flight") { Description = "calls kept in flight (the throughput)", DefaultValueFactory = _ => 64 };
var secondsArgument = new Argument<double>("seconds") { Description = "seconds of calls in flight per mode and round", DefaultValueFactory = _ => 5 };
var roundsArgument = new Argument<int>("rounds") { Description = "rounds of TLS off, then on", DefaultValueFactory = _ => 3 };
var root = new RootCommand("What Orleans TLS costs a gateway's grain call: round trip and throughput, TLS off and on, alternating.")
{
    sequentialArgument, inFlightArgument, secondsArgument, roundsArgument,
};
int sequential = 0, inFlight = 0, rounds = 0;
double seconds = 0;
var exit = ToolCommandLine.Fatal;
root.SetAction(async parse => exit = await ToolCommandLine.RunAsync(
    () => (ToolCommandLine.Positive(parse.GetValue(sequentialArgument), "sequential"), ToolCommandLine.Positive(parse.GetValue(inFlightArgument), "in-flight"),
        ToolCommandLine.Positive(parse.GetValue(secondsArgument), "seconds"), ToolCommandLine.Positive(parse.GetValue(roundsArgument), "rounds")),
    async options =>
    {
        (sequential, inFlight, seconds, rounds) = options;
        await MeasureAsync();
        return 0;
    }));
return await ToolCommandLine.InvokeAsync(root, args, () => exit);

async Task MeasureAsync()
{
    var dir = Directory.CreateTempSubdirectory("tanks-tls-bench-").FullName;
    using var ca = OrleansTlsTestAuthority.Create("tanks-bench-ca");
    using var member = ca.Issue("tanks-bench-member");
    var tls = ca.WriteMember(member, dir);

    Console.WriteLine($"grain call IUserGrain.GetProfileAsync over loopback; {Environment.ProcessorCount} cores");
    for (var round = 0; round < rounds; round++)
    {
        foreach (var options in new[] { new OrleansTlsOptions(), tls })
        {
            await RunAsync(options.Enabled ? "TLS on " : "TLS off", options);
        }
    }

    Directory.Delete(dir, recursive: true);
}

async Task RunAsync(string label, OrleansTlsOptions options)
{
    var siloPort = FreePort();
    var gatewayPort = FreePort();
    var siloBuilder = Host.CreateApplicationBuilder();
    siloBuilder.Logging.ClearProviders();
    siloBuilder.UseOrleans(s =>
    {
        s.UseLocalhostClustering(siloPort, gatewayPort, null, "tanks-bench", "bench-" + label.Trim().Replace(' ', '-'));
        s.AddMemoryGrainStorage(StorageNames.Accounts);
        s.AddMemoryGrainStorage(StorageNames.Battles);
        s.AddTanksGrains();
        s.UseOrleansTls(options);
    });
    using var silo = siloBuilder.Build();
    await silo.StartAsync();

    var clientBuilder = Host.CreateApplicationBuilder();
    clientBuilder.Logging.ClearProviders();
    clientBuilder.UseOrleansClient(c =>
    {
        c.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort))
            .Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = "bench-" + label.Trim().Replace(' ', '-');
                o.ServiceId = "tanks-bench";
            });
        c.UseOrleansTls(options);
    });
    using var client = clientBuilder.Build();
    await client.StartAsync();
    var grains = Enumerable.Range(0, inFlight)
        .Select(i => ((IClusterClient)client.Services.GetService(typeof(IClusterClient))!).GetGrain<IUserGrain>($"bench{i}")).ToArray();

    foreach (var g in grains)
    {
        await g.GetProfileAsync(); // activations and the connection before measuring
    }

    for (var i = 0; i < 2_000; i++)
    {
        await grains[0].GetProfileAsync();
    }

    var samples = new double[sequential];
    for (var i = 0; i < sequential; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await grains[0].GetProfileAsync();
        samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }

    Array.Sort(samples);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var calls = 0L;
    var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(grains.Select(async g =>
    {
        while (Stopwatch.GetTimestamp() < until)
        {
            await g.GetProfileAsync();
            Interlocked.Increment(ref calls);
        }
    }));
    wall.Stop();
    var cpuPerCall = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / calls;

    Console.WriteLine($"{label}: round trip mean {samples.Average():F1} µs, p50 {Percentile.NearestRank(samples, 50):F1} µs, p99 {Percentile.NearestRank(samples, 99):F1} µs; "
        + $"{inFlight} in flight: {calls / wall.Elapsed.TotalSeconds:F0} calls/s, {cpuPerCall:F1} µs CPU per call (silo + client)");

    await client.StopAsync();
    await silo.StopAsync();
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
