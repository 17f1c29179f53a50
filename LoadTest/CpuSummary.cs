using Tanks.Measurement;

namespace Tanks.LoadTest;

/// <summary>One process's CPU over the measured window, or why it is missing.</summary>
public sealed record ProcessCpu(string Name, string? Url, double? CpuSeconds, double? Cores, string? Error);

/// <summary>
/// CPU over the measured window of every <c>--metrics</c> process and of the load tool itself, and the costs derived
/// from it: Gateway.Udp's CPU per packet and the silo's CPU per battle-tick (<see cref="GatewayUdp"/>, <see cref="Silo"/>).
/// </summary>
public sealed record CpuSummary(
    double WindowSeconds,
    IReadOnlyList<ProcessCpu> Processes,
    double? TotalCores,
    long BotPackets,
    double BattleTicks,
    double? GatewayUdpMicrosPerPacket,
    double? SiloMicrosPerBattleTick,
    double? SiloBattlesPerCore,
    string Note)
{
    /// <summary>The process name whose CPU is divided by the bots' packets.</summary>
    public const string GatewayUdp = "gateway-udp";

    /// <summary>The process name whose CPU is divided by the battle-ticks.</summary>
    public const string Silo = "silo";

    public static CpuSummary From(
        IReadOnlyList<MetricsTarget> targets,
        IReadOnlyDictionary<string, CpuReading>? begin,
        IReadOnlyDictionary<string, CpuReading>? end,
        WindowFigures window,
        int tickRate)
    {
        var processes = targets.Select(t => (t.Name, Url: (string?)t.Url.ToString()))
            .Append((MetricsTarget.Self, null))
            .Select(p => Process(p.Name, p.Url, begin, end, window.Seconds))
            .ToList();
        double? Cpu(string name) => processes.Find(p => p.Name == name)?.CpuSeconds;

        var packets = window.Traffic.PacketsUp + window.Traffic.PacketsDown;
        var battleTicks = window.BattleSeconds * tickRate;
        double? perPacket = Cpu(GatewayUdp) is { } udp && packets > 0 ? Math.Round(udp * 1e6 / packets, 2) : null;
        double? perBattleTick = Cpu(Silo) is { } silo && silo > 0 && battleTicks > 0 ? silo * 1e6 / battleTicks : null;
        return new CpuSummary(
            Math.Round(window.Seconds, 2),
            processes,
            processes.All(p => p.Cores is not null) ? Math.Round(processes.Sum(p => p.Cores!.Value), 4) : null,
            packets,
            Math.Round(battleTicks, 1),
            perPacket,
            perBattleTick is { } t ? Math.Round(t, 2) : null,
            perBattleTick is { } b ? Math.Round(1e6 / (b * tickRate), 1) : null,
            "CPU between the window's start and end (process_cpu_seconds_total from /metrics; loadtest: its own TotalProcessorTime); " +
            "cores = CPU s / window s; totalCores: all processes, null if one is missing; " +
            "gateway-udp µs/packet = its CPU / the bots' packets up + down (on loopback its packets in + out); " +
            "silo µs/battle-tick = its CPU / (battles running, integrated over the window, × tick rate); " +
            "battles per core = 1e6 / (µs per battle-tick × tick rate)");
    }

    private static ProcessCpu Process(
        string name, string? url, IReadOnlyDictionary<string, CpuReading>? begin, IReadOnlyDictionary<string, CpuReading>? end, double seconds)
    {
        if (begin is null || end is null || seconds <= 0)
        {
            return new ProcessCpu(name, url, null, null, "no measured window (the run ended before the warmup did)");
        }

        var (first, last) = (begin[name], end[name]);
        if (first.Error is not null || last.Error is not null)
        {
            return new ProcessCpu(name, url, null, null, first.Error is not null ? "at the start: " + first.Error : "at the end: " + last.Error);
        }

        var cpu = last.Seconds!.Value - first.Seconds!.Value;
        return cpu < 0
            ? new ProcessCpu(name, url, null, null, "the CPU counter went backwards (a restarted process?)")
            : new ProcessCpu(name, url, Math.Round(cpu, 3), Math.Round(cpu / seconds, 4), null);
    }
}
