using System.Globalization;
using Tanks.Client.Auth;
using Tanks.Protocol.Netcode;
using Tanks.Measurement;

namespace Tanks.UdpBench;

internal static class Bench
{
    private const string GatewayName = "gateway";
    private const string EchoName = "csharp_echo";
    private const string AsyncioName = "asyncio_echo";

    /// <summary>Above this loss in any phase, that target's per-packet figure is flagged (it processed fewer packets than counted).</summary>
    private const double LossWarnPercent = 0.1;

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var started = DateTimeOffset.UtcNow;
        var warnings = new List<string>();
        var loadBefore = ProcCpu.LoadAverage();
        var given = new List<(string What, int Pid)> { ("--udp-pid", o.UdpPid), ("--echo-pid", o.EchoPid) };
        if (o.AsyncioPid is { } asyncioPid)
        {
            given.Add(("--asyncio-pid", asyncioPid));
        }

        foreach (var (what, pid) in given.Where(g => !ProcCpu.IsAlive(g.Pid)))
        {
            throw new InvalidOperationException($"{what} {pid}: no such process");
        }

        // Same datagram size on the wire for every target: the gateway's encrypted payload packet.
        var datagramBytes = NetcodePacketWriter.EncryptedPacketBytes(1000, o.Size);
        Console.WriteLine($"udp-bench: {o.Clients} clients, {o.Rate} datagrams/s to each target ({o.Rate / (double)o.Clients:F0} per client), payload {o.Size} B " +
                          $"(datagram {datagramBytes} B), {o.Rounds} rounds of {o.Warmup:F1} s warm-up + {o.Seconds:F1} s window per target; load average {loadBefore}");

        // 1. Accounts (Argon2id, once), then a fresh connect token per client and round from 'refresh' (no hashing).
        await using var auth = await AuthClient.ConnectAsync("127.0.0.1", o.TcpPort);
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..6];
        var sessions = new AuthSession[o.Clients];
        for (var i = 0; i < o.Clients; i++)
        {
            sessions[i] = (await auth.RegisterAsync($"{prefix}_{i}", "bench-password-1")).RequireSession();
        }

        async Task<byte[][]> FreshTokensAsync()
        {
            var tokens = new byte[o.Clients][];
            for (var i = 0; i < o.Clients; i++)
            {
                sessions[i] = (await auth.RefreshAsync(sessions[i].RefreshToken)).RequireSession();
                tokens[i] = Convert.FromBase64String(sessions[i].ConnectToken!);
            }

            return tokens;
        }

        // 2. The plain echoes' clients live for the whole run; the gateway's connect afresh in each round.
        var plain = new Dictionary<string, RawEchoLoad>
        {
            [EchoName] = new(EchoName, "C# UdpEcho", o.EchoPid, o.EchoPort, o.Clients, datagramBytes),
        };
        if (o.AsyncioPort is { } asyncioPort)
        {
            plain[AsyncioName] = new(AsyncioName, "Python asyncio echo", o.AsyncioPid!.Value, asyncioPort, o.Clients, datagramBytes);
        }
        else
        {
            warnings.Add("no --asyncio-port: the Python asyncio echo was not measured");
        }

        try
        {
            foreach (var load in plain.Values)
            {
                if (!load.Probe(TimeSpan.FromSeconds(5)))
                {
                    throw new InvalidOperationException($"{load.Label} on 127.0.0.1:{load.TargetPort} does not echo");
                }
            }

            var names = new List<string> { GatewayName };
            names.AddRange(plain.Keys);
            var labels = new Dictionary<string, string> { [GatewayName] = "Gateway.Udp (echo mode)" };
            var pids = new Dictionary<string, int> { [GatewayName] = o.UdpPid };
            var ports = new Dictionary<string, int>();
            foreach (var (name, load) in plain)
            {
                labels[name] = load.Label;
                pids[name] = load.Pid;
                ports[name] = load.TargetPort;
            }

            // 3. Idle CPU of the three at once (the gateway with no client).
            var idle = MeasureIdle(pids, o.Idle);

            async Task<PhaseResult?> PhaseAsync(string name, int round, int position, double warmup, double window)
            {
                GatewayLoad? gateway = null;
                double? handshakes = null;
                try
                {
                    BenchLoad load;
                    if (name == GatewayName)
                    {
                        var tokens = await FreshTokensAsync();
                        gateway = new GatewayLoad(o.UdpPid, o.Clients, o.Size);
                        handshakes = o.Clients / gateway.ConnectAll(tokens).TotalSeconds;
                        ports[GatewayName] = gateway.TargetPort;
                        load = gateway;
                    }
                    else
                    {
                        load = plain[name];
                    }

                    var metricsBefore = name == GatewayName && o.UdpMetricsPort is { } m ? await GatewayPayloadsAsync(m) : default;
                    var counts = PhaseRunner.Run(load, o.Rate, warmup, window);
                    var metricsAfter = name == GatewayName && o.UdpMetricsPort is { } m2 ? await GatewayPayloadsAsync(m2) : default;
                    if (counts is not { Start: { } s, End: { } e })
                    {
                        return null;
                    }

                    var seconds = e.T - s.T;
                    var ticksCpu = e.TargetCpu - s.TargetCpu;
                    var (targetCpu, cpuSource) = ProcCpu.ProcessCpuDelta(s.Threads, e.Threads, ticksCpu);
                    var benchCpu = e.BenchCpu - s.BenchCpu;
                    return new PhaseResult
                    {
                        Target = name,
                        Round = round,
                        Position = position,
                        WindowSeconds = seconds,
                        DatagramsSent = e.DatagramsSent - s.DatagramsSent,
                        DatagramsReceived = e.DatagramsReceived - s.DatagramsReceived,
                        CpuSeconds = targetCpu,
                        CpuSource = cpuSource,
                        CpuSecondsFromStat = ticksCpu,
                        PhasePayloadsSent = counts.PayloadsSent,
                        PhaseEchoes = counts.Echoes,
                        PacerSkipped = counts.PacerSkipped,
                        SendErrors = counts.SendErrors,
                        TargetSocketDrops = counts.TargetSocketDrops,
                        BenchSocketDrops = counts.BenchSocketDrops,
                        GatewayPayloadsIn = metricsBefore is { } b && metricsAfter is { } a ? a.In - b.In : null,
                        GatewayPayloadsOut = metricsBefore is { } b2 && metricsAfter is { } a2 ? a2.Out - b2.Out : null,
                        BenchCores = benchCpu / seconds,
                        OtherCores = Math.Max(0, (e.MachineBusy - s.MachineBusy) - targetCpu - benchCpu) / seconds,
                        StealCores = (e.MachineSteal - s.MachineSteal) / seconds,
                        HandshakesPerSecond = handshakes,
                        ThreadCpuSeconds = ProcCpu.ThreadDelta(s.Threads, e.Threads),
                    };
                }
                finally
                {
                    gateway?.Dispose();
                    Thread.Sleep(200); // the gateway frees the slots; the next target starts on a quiet box
                }
            }

            // 4. Warm-up, not measured: two passes over the targets, each half --first-warmup long. The second pass
            // matters: a method is promoted to tier 1 only after 30 calls counted once the tiering delay has passed,
            // so the gateway's handshake path (50 calls a round) would otherwise be compiled during round 1's window.
            if (o.FirstWarmup > 0)
            {
                for (var pass = 0; pass < 2; pass++)
                {
                    foreach (var name in names)
                    {
                        await PhaseAsync(name, 0, 0, o.FirstWarmup / 2, 0);
                    }
                }
            }

            // 5. Rounds: every target once per round, the order rotated so each runs first, second and third in turn.
            var phases = new List<PhaseResult>();
            Console.WriteLine();
            Console.WriteLine($"{"round",-6} {"target",-13} {"window s",8} {"sent/s",8} {"recv/s",8} {"CPU s",6} {"cores",6} {"µs/pkt",7} {"loss %",7} {"bench",6} {"others",6}  notes");
            for (var round = 1; round <= o.Rounds; round++)
            {
                for (var position = 0; position < names.Count; position++)
                {
                    var name = names[(round - 1 + position) % names.Count];
                    var p = await PhaseAsync(name, round, position, o.Warmup, o.Seconds);
                    if (p is null)
                    {
                        continue;
                    }

                    phases.Add(p);
                    var notes = p.HandshakesPerSecond is { } h ? $"handshakes {h:F0}/s" : "";
                    if (p.LossPercent > 0 || p.TargetSocketDrops + p.BenchSocketDrops > 0)
                    {
                        notes += $" drops target/bench {p.TargetSocketDrops}/{p.BenchSocketDrops}";
                    }

                    if (p.PacerSkipped > 0)
                    {
                        notes += $" skipped {p.PacerSkipped} (bench stalled)";
                    }

                    if (p.GatewayPayloadsIn is { } gin)
                    {
                        notes += $" gateway in/out {gin}/{p.GatewayPayloadsOut} of {p.PhasePayloadsSent}";
                    }

                    Console.WriteLine($"{round,-6} {name,-13} {p.WindowSeconds,8:F2} {p.SentPerSecond,8:F0} {p.ReceivedPerSecond,8:F0} {p.CpuSeconds,6:F2} {p.Cores,6:F3} " +
                                      $"{p.MicrosecondsPerPacket,7:F2} {p.LossPercent,7:F3} {p.BenchCores,6:F2} {p.OtherCores,6:F2}  {notes.Trim()}");
                }
            }

            // 6. Summary.
            var targets = names.Select(name =>
            {
                var mine = phases.Where(p => p.Target == name).ToList();
                var threadTotals = new Dictionary<string, double>();
                foreach (var (thread, seconds) in mine.SelectMany(p => p.ThreadCpuSeconds))
                {
                    threadTotals[thread] = threadTotals.GetValueOrDefault(thread) + seconds;
                }

                var all = threadTotals.Values.Sum();
                return new TargetSummary
                {
                    Name = name,
                    Label = labels[name],
                    Pid = pids[name],
                    Process = ProcessDescription(pids[name]),
                    Port = ports.GetValueOrDefault(name),
                    IdleCores = idle.GetValueOrDefault(name),
                    MicrosecondsPerPacket = Stat.Of(mine.Select(p => p.MicrosecondsPerPacket)),
                    MicrosecondsPerPacketNetOfIdle = Stat.Of(mine.Select(p =>
                        (p.CpuSeconds - (idle.GetValueOrDefault(name) * p.WindowSeconds)) * 1e6 / Math.Max(1, p.DatagramsSent + p.DatagramsReceived))),
                    Cores = Stat.Of(mine.Select(p => p.Cores)),
                    SentPerSecond = Stat.Of(mine.Select(p => p.SentPerSecond)),
                    ReceivedPerSecond = Stat.Of(mine.Select(p => p.ReceivedPerSecond)),
                    LossPercent = Stat.Of(mine.Select(p => p.LossPercent)),
                    ThreadShares = threadTotals.Where(kv => all > 0)
                        .OrderByDescending(kv => kv.Value)
                        .ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value / all, 4)),
                };
            }).ToList();

            var ratios = new Dictionary<string, double>();
            var goals = new Dictionary<string, bool>();
            TargetSummary? T(string name) => targets.FirstOrDefault(t => t.Name == name);
            double PairedMedian(string over, string under) => Stat.Of(Enumerable.Range(1, o.Rounds).SelectMany(r =>
                phases.Where(p => p.Round == r && p.Target == over).SelectMany(a =>
                    phases.Where(p => p.Round == r && p.Target == under).Select(b => a.MicrosecondsPerPacket / b.MicrosecondsPerPacket)))).Median;
            if (T(GatewayName) is { } gw && T(EchoName) is { } echo)
            {
                ratios["gatewayOverCsharpEcho"] = gw.MicrosecondsPerPacket.Median / echo.MicrosecondsPerPacket.Median;
                ratios["gatewayOverCsharpEchoPerRoundMedian"] = PairedMedian(GatewayName, EchoName);
                goals["gatewayAtMost2xCsharpEcho"] = ratios["gatewayOverCsharpEcho"] <= 2;
            }

            if (T(GatewayName) is { } gw2 && T(AsyncioName) is { } py)
            {
                ratios["asyncioOverGateway"] = py.MicrosecondsPerPacket.Median / gw2.MicrosecondsPerPacket.Median;
                ratios["asyncioOverGatewayPerRoundMedian"] = PairedMedian(AsyncioName, GatewayName);
                goals["asyncioAtLeast5xGateway"] = ratios["asyncioOverGateway"] >= 5;
            }

            AddWarnings(o, phases, targets, warnings);
            var loadAfter = ProcCpu.LoadAverage();
            var handshakes = phases.Where(p => p.HandshakesPerSecond.HasValue).Select(p => p.HandshakesPerSecond!.Value).ToList();
            var report = new BenchReport
            {
                Started = started,
                Machine = new
                {
                    Cores = Environment.ProcessorCount,
                    Cpu = CpuModel(),
                    Os = Environment.OSVersion.VersionString,
                    Dotnet = Environment.Version.ToString(),
                    LoadAverageBefore = loadBefore,
                    LoadAverageAfter = loadAfter,
                },
                Config = new
                {
                    o.Clients,
                    RatePerTarget = o.Rate,
                    RatePerClient = o.Rate / (double)o.Clients,
                    PayloadBytes = o.Size,
                    DatagramBytes = datagramBytes,
                    o.Rounds,
                    WindowSeconds = o.Seconds,
                    WarmupSeconds = o.Warmup,
                    FirstWarmupSeconds = o.FirstWarmup,
                    IdleSeconds = o.Idle,
                    Pacing = "round robin over the clients, due sends checked every ~1 ms (Thread.Sleep(1)), at most 2 ms worth at once; a backlog beyond 10 ms (the bench stalled) is skipped, not sent late",
                    PacketDefinition = "CPU µs per packet = target process CPU in the window (its threads' schedstat run time; utime+stime when a thread exited) ÷ (datagrams the bench sent + received in the window)",
                },
                HandshakesPerSecond = handshakes.Count > 0 ? Stat.Of(handshakes) : null,
                Targets = targets,
                Ratios = ratios,
                Goals = goals,
                Warnings = warnings,
                Phases = phases,
            };
            PrintSummary(o, report, datagramBytes);
            if (o.Report is { } path)
            {
                report.Write(path);
                Console.WriteLine($"report: {path}");
            }

            return 0;
        }
        finally
        {
            foreach (var load in plain.Values)
            {
                load.Dispose();
            }
        }
    }

    /// <summary>Each process's cores used over the same <paramref name="seconds"/> with no load (schedstat; utime + stime if a thread exited).</summary>
    private static Dictionary<string, double> MeasureIdle(Dictionary<string, int> pids, double seconds)
    {
        var result = new Dictionary<string, double>();
        if (seconds <= 0)
        {
            return result;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var before = pids.ToDictionary(kv => kv.Key, kv => (Threads: ProcCpu.Threads(kv.Value), Cpu: ProcCpu.ProcessCpuSeconds(kv.Value)));
        var t0 = clock.Elapsed.TotalSeconds;
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        var t1 = clock.Elapsed.TotalSeconds;
        foreach (var (name, pid) in pids)
        {
            var threads = ProcCpu.Threads(pid);
            var (cpu, _) = ProcCpu.ProcessCpuDelta(before[name].Threads, threads, ProcCpu.ProcessCpuSeconds(pid) - before[name].Cpu);
            result[name] = cpu / (t1 - t0);
        }

        return result;
    }

    private static void AddWarnings(BenchOptions o, List<PhaseResult> phases, List<TargetSummary> targets, List<string> warnings)
    {
        foreach (var p in phases.Where(p => p.LossPercent > LossWarnPercent))
        {
            warnings.Add($"{p.Target} lost {p.LossPercent:F2} % in round {p.Round} (kernel drops: target socket {p.TargetSocketDrops}, bench sockets {p.BenchSocketDrops}" +
                         (p.GatewayPayloadsIn is { } gin ? $", gateway counted {gin} in / {p.GatewayPayloadsOut} out of {p.PhasePayloadsSent} sent" : "") +
                         "): its µs per packet counts packets it never processed; lower --rate");
        }

        foreach (var p in phases.Where(p => p.SentPerSecond < 0.98 * o.Rate || p.SendErrors > 0))
        {
            warnings.Add($"{p.Target} round {p.Round}: the bench sent {p.SentPerSecond:F0}/s of {o.Rate}/s asked (skipped {p.PacerSkipped}, send errors {p.SendErrors}): the load was not steady");
        }

        foreach (var p in phases)
        {
            var jit = p.ThreadCpuSeconds.Where(kv => kv.Key.StartsWith(".NET Tiered", StringComparison.Ordinal)).Sum(kv => kv.Value);
            if (jit > 0.05 * p.CpuSeconds && jit >= 0.03)
            {
                warnings.Add($"{p.Target} round {p.Round}: the JIT's tiered compilation thread used {jit:F2} of its {p.CpuSeconds:F2} CPU s in the window (still warming up): raise --first-warmup");
            }
        }

        foreach (var p in phases.Where(p => p.CpuSource == "stat" && p.CpuSeconds < 0.2))
        {
            warnings.Add($"{p.Target} round {p.Round}: {p.CpuSeconds:F2} CPU s in the window is under 20 clock ticks (10 ms each): lengthen --seconds or raise --rate");
        }

        var others = Stat.Of(phases.Select(p => p.OtherCores));
        if (others.Median > 0.25 * Environment.ProcessorCount)
        {
            warnings.Add($"other processes used {others.Median:F2} cores (median over the windows, {others.Min:F2}–{others.Max:F2}) of {Environment.ProcessorCount}: the figures are noisy");
        }

        var steal = Stat.Of(phases.Select(p => p.StealCores));
        if (steal.Median > 0.05)
        {
            warnings.Add($"hypervisor steal {steal.Median:F2} cores (median over the windows)");
        }

        foreach (var t in targets.Where(t => t.MicrosecondsPerPacket.Rounds.Length > 1 && t.MicrosecondsPerPacket.Max > 1.5 * t.MicrosecondsPerPacket.Min))
        {
            warnings.Add($"{t.Name}: µs per packet ranged {t.MicrosecondsPerPacket.Min:F2}–{t.MicrosecondsPerPacket.Max:F2} over the rounds (more than 1.5×): noisy box; more --rounds help the median");
        }
    }

    private static void PrintSummary(BenchOptions o, BenchReport report, int datagramBytes)
    {
        Console.WriteLine();
        Console.WriteLine($"medians over {o.Rounds} rounds: {o.Rate} datagrams/s sent to each target, {o.Clients} clients, payload {o.Size} B (datagram {datagramBytes} B), window {o.Seconds:F1} s after {o.Warmup:F1} s warm-up");
        Console.WriteLine($"{"target",-26} {"µs/packet",10} {"(min–max)",15} {"cores",7} {"pkts/s per core",15} {"sent/s",8} {"recv/s",8} {"loss %",7} {"idle cores",10}");
        foreach (var t in report.Targets)
        {
            var range = $"{t.MicrosecondsPerPacket.Min:F2}–{t.MicrosecondsPerPacket.Max:F2}";
            Console.WriteLine($"{t.Label,-26} {t.MicrosecondsPerPacket.Median,10:F2} {range,15} {t.Cores.Median,7:F3} {t.PacketsPerSecondPerCore,15:N0} " +
                              $"{t.SentPerSecond.Median,8:F0} {t.ReceivedPerSecond.Median,8:F0} {t.LossPercent.Max,7:F3} {t.IdleCores,10:F4}");
        }

        Console.WriteLine("µs/packet = the target process's CPU (all threads) in the window ÷ (datagrams the bench sent + received in it); loss % = the worst round.");
        Console.WriteLine("net of idle µs/packet: " + string.Join(", ", report.Targets.Select(t => $"{t.Label} {t.MicrosecondsPerPacketNetOfIdle.Median:F2}")));
        foreach (var t in report.Targets)
        {
            Console.WriteLine($"operator view: {t.Label} uses {t.Cores.Median:F3} cores at {t.SentPerSecond.Median:F0} packets/s in + {t.ReceivedPerSecond.Median:F0} out " +
                              $"(one core: ~{t.PacketsPerSecondPerCore:N0} packets/s, ~{t.PacketsPerSecondPerCore / 2:N0} echoes/s)");
        }

        if (report.Targets.FirstOrDefault(t => t.Name == GatewayName) is { } g0)
        {
            Console.WriteLine($"extrapolated, linear: at this cost per packet, 1,000 clients at 20 Hz each way (40,000 packets/s) would take {g0.CoresPer1000ClientsAt20Hz:F2} cores of Gateway.Udp");
        }

        foreach (var t in report.Targets)
        {
            var shares = string.Join(", ", t.ThreadShares.Take(6).Select(kv => $"{kv.Key} {kv.Value * 100:F0}%"));
            Console.WriteLine($"threads of {t.Label}: {shares}");
        }

        if (report.HandshakesPerSecond is { } hs)
        {
            Console.WriteLine($"handshakes/s ({o.Clients} fresh tokens at once): median {hs.Median:F0} ({hs.Min:F0}–{hs.Max:F0})");
        }

        if (report.Ratios.TryGetValue("gatewayOverCsharpEcho", out var g))
        {
            Console.WriteLine($"Gateway.Udp ÷ C# echo   = {g:F2}× (per-round pairs: median {report.Ratios["gatewayOverCsharpEchoPerRoundMedian"]:F2}×)  goal ≤ 2×: {(report.Goals["gatewayAtMost2xCsharpEcho"] ? "held" : "MISSED")}");
        }

        if (report.Ratios.TryGetValue("asyncioOverGateway", out var a))
        {
            Console.WriteLine($"asyncio ÷ Gateway.Udp   = {a:F2}× (per-round pairs: median {report.Ratios["asyncioOverGatewayPerRoundMedian"]:F2}×)  goal ≥ 5×: {(report.Goals["asyncioAtLeast5xGateway"] ? "held" : "MISSED")}");
        }

        foreach (var w in report.Warnings)
        {
            Console.WriteLine($"warning: {w}");
        }
    }

    private static async Task<(long In, long Out)?> GatewayPayloadsAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        return ((long)Sample(text, "tanks_udp_packets_total{direction=\"in\",type=\"payload\"}"), (long)Sample(text, "tanks_udp_packets_total{direction=\"out\",type=\"payload\"}"));
    }

    /// <summary>A labelled sample's value, 0 when the gateway does not show it (yet).</summary>
    private static double Sample(string text, string sample) => PrometheusText.TryReadSample(text, sample, out var value, out _) ? value : 0;

    private static string ProcessDescription(int pid)
    {
        var name = ProcCpu.ProcessName(pid) ?? "?";
        try
        {
            var exe = File.ResolveLinkTarget($"/proc/{pid}/exe", returnFinalTarget: true)?.FullName;
            return exe is null ? name : $"{name} ({exe})";
        }
        catch (IOException)
        {
            return name;
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
