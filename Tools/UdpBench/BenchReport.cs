using System.Text.Json;
using System.Text.Json.Serialization;
using Tanks.Measurement;

namespace Tanks.UdpBench;

/// <summary>Median, min and max of per-round values (the median of an even count is the mean of the middle two).</summary>
internal sealed record Stat(double Median, double Min, double Max, double[] Rounds)
{
    public static Stat Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length == 0)
        {
            return new Stat(double.NaN, double.NaN, double.NaN, v);
        }

        return new Stat(Percentile.Median(v), v.Min(), v.Max(), v);
    }
}

/// <summary>One target in one round: its measured window and the phase around it.</summary>
internal sealed class PhaseResult
{
    public required string Target { get; init; }

    public required int Round { get; init; }

    /// <summary>0, 1 or 2: where the target ran in its round (the order rotates each round).</summary>
    public required int Position { get; init; }

    public required double WindowSeconds { get; init; }

    /// <summary>Datagrams the bench sent to / received from the target in the window (payloads, and for the gateway any keep-alive).</summary>
    public required long DatagramsSent { get; init; }

    public required long DatagramsReceived { get; init; }

    public double SentPerSecond => DatagramsSent / WindowSeconds;

    public double ReceivedPerSecond => DatagramsReceived / WindowSeconds;

    /// <summary>
    /// The target process's CPU in the window, all threads: the sum of their schedstat run times (ns resolution),
    /// or utime + stime from /proc/PID/stat (10 ms resolution, exited threads included) when a thread exited in
    /// the window or the two disagree (<see cref="CpuSource"/> says which).
    /// </summary>
    public required double CpuSeconds { get; init; }

    public required string CpuSource { get; init; }

    /// <summary>utime + stime from /proc/PID/stat over the same window, for comparison.</summary>
    public required double CpuSecondsFromStat { get; init; }

    /// <summary>Cores the target used at this rate: CPU seconds ÷ window seconds.</summary>
    public double Cores => CpuSeconds / WindowSeconds;

    /// <summary>CPU µs per packet, in or out: CPU ÷ (datagrams sent + received in the window), each counted once.</summary>
    public double MicrosecondsPerPacket => CpuSeconds * 1e6 / Math.Max(1, DatagramsSent + DatagramsReceived);

    /// <summary>Payloads (gateway) or datagrams sent over the whole phase (warm-up, window) and the echoes back by the end of the drain.</summary>
    public required long PhasePayloadsSent { get; init; }

    public required long PhaseEchoes { get; init; }

    public double LossPercent => PhasePayloadsSent == 0 ? 0 : 100.0 * Math.Max(0, PhasePayloadsSent - PhaseEchoes) / PhasePayloadsSent;

    /// <summary>Sends the pacer skipped because the bench fell behind by more than 10 ms (it was not scheduled): 0 when it kept the rate.</summary>
    public required long PacerSkipped { get; init; }

    public required long SendErrors { get; init; }

    /// <summary>Kernel drops (receive buffer full) in the phase: the target's socket, the bench's sockets.</summary>
    public required long TargetSocketDrops { get; init; }

    public required long BenchSocketDrops { get; init; }

    /// <summary>Gateway.Udp's own payload counters over the phase (tanks_udp_packets_total), when its metrics port was given.</summary>
    public long? GatewayPayloadsIn { get; init; }

    public long? GatewayPayloadsOut { get; init; }

    /// <summary>Cores the bench used in the window; and everything else on the box (other processes, other developers' work).</summary>
    public required double BenchCores { get; init; }

    public required double OtherCores { get; init; }

    public required double StealCores { get; init; }

    /// <summary>Gateway only: K clients with fresh tokens connecting at once, handshakes per second.</summary>
    public double? HandshakesPerSecond { get; init; }

    /// <summary>The target's CPU seconds in the window by thread name.</summary>
    public required Dictionary<string, double> ThreadCpuSeconds { get; init; }
}

internal sealed class TargetSummary
{
    public required string Name { get; init; }

    public required string Label { get; init; }

    public required int Pid { get; init; }

    public required string Process { get; init; }

    public required int Port { get; init; }

    /// <summary>Cores used with no load (measured once, before the rounds; the gateway with no client).</summary>
    public required double IdleCores { get; init; }

    public required Stat MicrosecondsPerPacket { get; init; }

    /// <summary>The same with the idle CPU (<see cref="IdleCores"/> × window) taken out: the cost the packets add.</summary>
    public required Stat MicrosecondsPerPacketNetOfIdle { get; init; }

    public required Stat Cores { get; init; }

    public required Stat SentPerSecond { get; init; }

    public required Stat ReceivedPerSecond { get; init; }

    public required Stat LossPercent { get; init; }

    /// <summary>Operator view: packets (in + out) one core would carry at the median cost, 1e6 ÷ µs per packet.</summary>
    public double PacketsPerSecondPerCore => 1e6 / MicrosecondsPerPacket.Median;

    /// <summary>Operator view, extrapolated linearly: 1,000 clients each sending and receiving 20 packets/s (40,000 packets/s).</summary>
    public double CoresPer1000ClientsAt20Hz => 40_000 * MicrosecondsPerPacket.Median / 1e6;

    /// <summary>Share of the target's window CPU by thread name, over all rounds.</summary>
    public required Dictionary<string, double> ThreadShares { get; init; }
}

internal sealed class BenchReport
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required DateTimeOffset Started { get; init; }

    public required object Machine { get; init; }

    public required object Config { get; init; }

    public Stat? HandshakesPerSecond { get; init; }

    public required List<TargetSummary> Targets { get; init; }

    /// <summary>Ratios of the medians, and the medians of the per-round ratios (each pairing runs taken seconds apart).</summary>
    public required Dictionary<string, double> Ratios { get; init; }

    /// <summary>The goals: gateway ≤ 2× the C# echo's CPU per packet; asyncio ≥ 5× the gateway's.</summary>
    public required Dictionary<string, bool> Goals { get; init; }

    public required List<string> Warnings { get; init; }

    public required List<PhaseResult> Phases { get; init; }

    public void Write(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}
