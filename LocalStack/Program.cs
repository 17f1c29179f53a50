using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Tanks.LocalStack;

// Starts the whole stack on this machine (embedded mode unless Redis__ConnectionString is set) and stops it on Ctrl-C.
var root = StackProcess.FindRepoRoot();
var configuration = StackProcess.BuildConfiguration();
var sharedEnvironment = new Dictionary<string, string>
{
    // One key for every process of this run, so tokens minted by one gateway are accepted by the other.
    ["Jwt__SigningKey"] = Environment.GetEnvironmentVariable("Jwt__SigningKey") ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    ["Netcode__PrivateKey"] = Environment.GetEnvironmentVariable("Netcode__PrivateKey") ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
};

// A local demo matches at once: a 1v1 on the duel map as soon as two players queue (unless the user set otherwise).
var siloEnvironment = WithDefaults(new()
{
    ["Matchmaking__ReducedTeamsAfter"] = "00:00:00",
    ["Matchmaking__AnyTeamsAfter"] = "00:00:00",
    ["Matchmaking__Map"] = "duel",
});

// Every client of a local stack comes from 127.0.0.1 (sample clients, the load tool's bots): Gateway.Tcp's per-address
// login limit, a guard against password guessing from one address, would throttle a load run. Raised unless set.
var tcpGatewayEnvironment = WithDefaults(new()
{
    ["TcpGateway__AuthBurstPerAddress"] = "100000",
    ["TcpGateway__AuthRequestsPerMinutePerAddress"] = "1000000",
});

var stop = new CancellationTokenSource(); // never disposed: signal handlers may fire until the process ends
// Ctrl-C, SIGTERM (kill, timeout, CI) and SIGHUP (terminal closed) all stop the stack the same way: the default
// termination is cancelled so the finally block below gets to stop every child process.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

var processes = new List<StackProcess>();
var started = System.Diagnostics.Stopwatch.StartNew();
try
{
    StackProcess.Say($"built ({configuration}); starting the silo (embedded mode unless Redis__ConnectionString is set)...");
    var silo = StackProcess.Start("silo", Path.Combine(root, "Silo", "bin", configuration, "net10.0", "Tanks.Silo.dll"), siloEnvironment);
    processes.Add(silo);
    await silo.WaitHealthyAsync("http://127.0.0.1:8080/health/ready", stop.Token);

    StackProcess.Say("starting Gateway.Tcp...");
    var tcp = StackProcess.Start("gateway-tcp", Path.Combine(root, "Gateway.Tcp", "bin", configuration, "net10.0", "Tanks.Gateway.Tcp.dll"), tcpGatewayEnvironment);
    processes.Add(tcp);
    await tcp.WaitHealthyAsync("http://127.0.0.1:8000/health/ready", stop.Token);

    StackProcess.Say("starting Gateway.Udp...");
    var udp = StackProcess.Start("gateway-udp", Path.Combine(root, "Gateway.Udp", "bin", configuration, "net10.0", "Tanks.Gateway.Udp.dll"), sharedEnvironment);
    processes.Add(udp);
    await udp.WaitHealthyAsync("http://127.0.0.1:8001/health/ready", stop.Token);

    Console.WriteLine();
    Console.WriteLine($"Tanks is running, started in {started.Elapsed.TotalSeconds:F1} s (Ctrl-C stops everything):");
    Console.WriteLine("  TCP auth          127.0.0.1:8888   (docs/protocol.md)");
    Console.WriteLine("  UDP netcode 1.02  127.0.0.1:9999   (connect token from login; game messages)");
    Console.WriteLine("  Play              dotnet run --project Tools/SampleClient   (twice: two bots fight a duel)");
    Console.WriteLine("  Orleans Dashboard http://127.0.0.1:8080/dashboard/   (credentials printed by the silo above)");
    Console.WriteLine("  Battle viewer     http://127.0.0.1:8080/viewer/      (the dashboard's credentials; live battles drawn)");
    Console.WriteLine("  Silo metrics      http://127.0.0.1:8080/metrics");
    Console.WriteLine("  Gateway metrics   http://127.0.0.1:8000/metrics (TCP), http://127.0.0.1:8001/metrics (UDP)");
    Console.WriteLine("  Health            /health/live and /health/ready on ports 8080, 8000, 8001");
    Console.WriteLine();

    await Task.WhenAny(processes.Select(p => p.Exited).Append(Task.Delay(Timeout.Infinite, stop.Token)));
    if (!stop.IsCancellationRequested)
    {
        Console.Error.WriteLine("A process of the stack exited; stopping the rest.");
        Environment.ExitCode = 1;
    }
}
catch (OperationCanceledException)
{
}
catch (Exception ex)
{
    Console.Error.WriteLine($"Could not start the stack: {ex.Message}");
    Environment.ExitCode = 1;
}
finally
{
    // Reverse order: gateways first, then the silo, each given time to shut down cleanly.
    foreach (var process in Enumerable.Reverse(processes))
    {
        await process.StopAsync(TimeSpan.FromSeconds(10));
    }
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

// The shared environment plus these settings, each only where the user has not set it.
Dictionary<string, string> WithDefaults(Dictionary<string, string> defaults)
{
    var environment = new Dictionary<string, string>(sharedEnvironment);
    foreach (var (key, value) in defaults)
    {
        if (Environment.GetEnvironmentVariable(key) is null)
        {
            environment[key] = value;
        }
    }

    return environment;
}
