using System.Globalization;
using Tanks.Measurement;
using Tanks.Protocol.Netcode;
using Tanks.UdpBench;

// UdpBench: CPU per packet of a running Gateway.Udp (PayloadMode=echo) beside a plain C# UDP echo (Tools/UdpEcho)
// and the Python prototype's asyncio echo (asyncio_echo.py) under the same paced load, interleaved round by round;
// plus handshakes/s. Loopback only; every loop bounded in count and time. measure.sh starts the processes.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var exit = ToolCommandLine.Fatal;
var root = BenchOptions.Command(NetcodeConstants.MaxPayloadBytes, (options, _) => Bench.RunAsync(options), code => exit = code);
return await ToolCommandLine.InvokeAsync(root, args, () => exit);
