using System.Globalization;
using Tanks.Protocol.Netcode;
using Tanks.UdpBench;

// UdpBench: CPU per packet of a running Gateway.Udp (PayloadMode=echo) beside a plain C# UDP echo (Tools/UdpEcho)
// and the Python prototype's asyncio echo (asyncio_echo.py) under the same paced load, interleaved round by round;
// plus handshakes/s. Loopback only; every loop bounded in count and time. measure.sh starts the processes.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is [] or ["--help"] or ["-h"])
{
    Console.WriteLine(BenchOptions.Usage);
    return args.Length == 0 ? 1 : 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args, NetcodeConstants.MaxPayloadBytes);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"udp-bench: {ex.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 1;
}

try
{
    return await Bench.RunAsync(options);
}
catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.Sockets.SocketException or HttpRequestException)
{
    Console.Error.WriteLine($"udp-bench: {ex.Message}");
    return 1;
}
