using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Tanks.Measurement;

namespace Tanks.LoadTest;

public sealed record LatencySummary(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static LatencySummary Of(LatencyHistogram h) =>
        new(h.Count, Round(h.PercentileMs(50)), Round(h.PercentileMs(95)), Round(h.PercentileMs(99)), Round(h.MaxMs));

    internal static double Round(double v) => Math.Round(v, 2);
}

public sealed record InterArrivalSummary(long Count, double ExpectedMs, double P50Ms, double P99Ms, double MeanMs, double JitterMs, double MaxMs);

public sealed record SnapshotSummary(long Received, long ExpectedTicks, long ReceivedTicks, double LossPercent, InterArrivalSummary InterArrival);

public sealed record InputAckSummary(string Definition, LatencySummary Latency, long Unanswered);

public sealed record BandwidthSummary(
    long PacketsUp, long PacketsDown, long PayloadBytesUp, long PayloadBytesDown, double ConnectedBotSeconds,
    double KbitUpPerClient, double KbitDownPerClient, string Note);

public sealed record BattleSummary(long Starts, long EndsReceived, double Completed, long MaxBotsInBattle);

public sealed record ThresholdSummary(
    double? MaxLossPercent, double? MaxP99InterArrivalMs, double? MaxLoginP99Ms, long? MaxErrors, IReadOnlyDictionary<string, double> MaxTrouble,
    bool Passed, IReadOnlyList<string> Breaches);

/// <summary>The run; <see cref="MeasuredSeconds"/> is the window from the warmup's end that the snapshot, fire-to-shot, traffic and CPU figures cover.</summary>
public sealed record RunSummary(
    string Tcp, int Bots, double Ramp, double DurationSeconds, int TickRate, int Seed, string TankClass, int Threads,
    DateTime StartedUtc, double ElapsedSeconds, long MaxConnected, long Logins, long Registrations, double WarmupSeconds, double MeasuredSeconds,
    long Refreshes);

/// <summary>
/// The end of a run: the summary table, the JSON report and the plot; the thresholds' verdict. Logins and handshakes
/// cover the whole run, the timeline and the trouble too; the rest covers the measured window.
/// </summary>
public sealed record LoadResult(
    RunSummary Run,
    LatencySummary Login,
    LatencySummary Register,
    LatencySummary Handshake,
    SnapshotSummary Snapshots,
    InputAckSummary InputAck,
    BandwidthSummary Bandwidth,
    BattleSummary Battles,
    CpuSummary Cpu,
    long ErrorCount,
    IReadOnlyDictionary<string, long> Errors,
    TroubleSummary Trouble,
    ThresholdSummary Thresholds,
    IReadOnlyList<TimelinePoint> Timeline)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // µ and × readable in the report; it is no HTML
    };

    [JsonIgnore]
    public IReadOnlyList<string> Breaches => Thresholds.Breaches;

    public static LoadResult From(
        LoadOptions o, LoadMetrics m, IReadOnlyList<TimelinePoint> timeline, DateTime startedUtc, double elapsed, WindowFigures window, CpuSummary cpu)
    {
        var (traffic, botSeconds) = (window.Traffic, window.BotSeconds);
        var expected = m.ExpectedTicks;
        var loss = expected == 0 ? 0 : 100.0 * (expected - m.ReceivedTicks) / expected;
        var ia = m.InterArrival;
        var snapshots = new SnapshotSummary(traffic.Snapshots, expected, m.ReceivedTicks, Math.Round(loss, 3), new InterArrivalSummary(
            ia.Count, LatencySummary.Round(1000.0 / o.TickRate), LatencySummary.Round(ia.PercentileMs(50)), LatencySummary.Round(ia.PercentileMs(99)),
            LatencySummary.Round(ia.MeanMs), LatencySummary.Round(ia.StdDevMs), LatencySummary.Round(ia.MaxMs)));
        var bandwidth = new BandwidthSummary(
            traffic.PacketsUp, traffic.PacketsDown, traffic.BytesUp, traffic.BytesDown, Math.Round(botSeconds, 1),
            botSeconds == 0 ? 0 : Math.Round(traffic.BytesUp * 8 / 1000.0 / botSeconds, 2),
            botSeconds == 0 ? 0 : Math.Round(traffic.BytesDown * 8 / 1000.0 / botSeconds, 2),
            "game-message payload bytes (netcode header, MAC and UDP/IP headers not included); per connected bot-second of the measured window");
        var login = LatencySummary.Of(m.Login);
        var errors = m.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value);
        var errorCount = errors.Values.Sum();

        var breaches = new List<string>();
        if (o.MaxLossPercent is { } maxLoss && loss > maxLoss)
        {
            breaches.Add($"snapshot loss {loss:F3} % > {maxLoss} %");
        }

        if (o.MaxP99InterArrivalMs is { } maxGap && snapshots.InterArrival.P99Ms > maxGap)
        {
            breaches.Add($"p99 snapshot inter-arrival {snapshots.InterArrival.P99Ms} ms > {maxGap} ms");
        }

        if (o.MaxLoginP99Ms is { } maxLogin && login.P99Ms > maxLogin)
        {
            breaches.Add($"p99 login {login.P99Ms} ms > {maxLogin} ms");
        }

        if (o.MaxErrors is { } maxErrors && errorCount > maxErrors)
        {
            breaches.Add($"errors {errorCount} > {maxErrors}");
        }

        var trouble = TroubleSummary.From(m.Trouble, o.Trouble);
        breaches.AddRange(TroubleLimits.Breaches(trouble, o.MaxTrouble));

        return new LoadResult(
            new RunSummary($"{o.TcpHost}:{o.TcpPort}", o.Bots, o.Ramp, o.DurationSeconds, o.TickRate, o.Seed, o.TankClass, o.Threads,
                startedUtc, Math.Round(elapsed, 2), timeline.Count == 0 ? 0 : timeline.Max(p => p.Connected), m.Logins, m.Registrations,
                o.WarmupSeconds, Math.Round(window.Seconds, 2), m.Refreshes),
            login,
            LatencySummary.Of(m.Register),
            LatencySummary.Of(m.Handshake),
            snapshots,
            new InputAckSummary(
                "fire-to-shot: from sending an Input with fire (the bot's last snapshot shows its gun loaded) to receiving the BattleEvents Shot of its own tank",
                LatencySummary.Of(m.FireToShot), m.FireUnanswered),
            bandwidth,
            new BattleSummary(m.BattleStarts, m.BattleEnds, Math.Round(m.BattlesCompletedShares / 1e6, 2), timeline.Count == 0 ? 0 : timeline.Max(p => p.InBattle)),
            cpu,
            errorCount,
            errors,
            trouble,
            new ThresholdSummary(
                o.MaxLossPercent, o.MaxP99InterArrivalMs, o.MaxLoginP99Ms, o.MaxErrors,
                o.MaxTrouble.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Value), breaches.Count == 0, breaches),
            timeline);
    }

    public void Print()
    {
        var table = new Table().Title("Tanks load test").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        static string L(LatencySummary l) => l.Count == 0 ? "-" : F($"{l.P50Ms} / {l.P95Ms} / {l.P99Ms} ms (n={l.Count})");

        Row("bots (max connected)", F($"{Run.Bots} ({Run.MaxConnected})"));
        Row("run", F($"{Run.ElapsedSeconds:F1} s (warmup {Run.WarmupSeconds} s, measured {Run.MeasuredSeconds:F1} s), ramp {Run.Ramp}/s, tick {Run.TickRate} Hz, seed {Run.Seed}"));
        Row("logins / registrations / refreshes", F($"{Run.Logins} / {Run.Registrations} / {Run.Refreshes}"));
        Row("login p50/p95/p99", L(Login));
        Row("register p50/p95/p99", L(Register));
        Row("UDP handshake p50/p95/p99", L(Handshake));
        var ia = Snapshots.InterArrival;
        Row("snapshot inter-arrival p50/p99", F($"{ia.P50Ms} / {ia.P99Ms} ms (expected {ia.ExpectedMs}, max {ia.MaxMs})"));
        Row("snapshot jitter (stddev)", F($"{ia.JitterMs} ms"));
        Row("snapshot loss", F($"{Snapshots.LossPercent} % ({Snapshots.ExpectedTicks - Snapshots.ReceivedTicks} of {Snapshots.ExpectedTicks} ticks)"));
        Row("fire-to-shot p50/p95/p99", L(InputAck.Latency));
        Row("bandwidth per client up/down", F($"{Bandwidth.KbitUpPerClient} / {Bandwidth.KbitDownPerClient} kbit/s payload"));
        Row("packets up/down", F($"{Bandwidth.PacketsUp} / {Bandwidth.PacketsDown}"));
        Row("battles completed", F($"{Battles.Completed} ({Battles.Starts} bot starts, {Battles.EndsReceived} bot ends)"));
        foreach (var p in Cpu.Processes)
        {
            Row($"cpu {p.Name}", p.Error is null ? F($"{p.CpuSeconds} s, {p.Cores} cores") : "-: " + p.Error);
        }

        Row("cpu all processes", Cpu.TotalCores is { } total ? F($"{total} cores") : "- (a process is missing)");
        if (Cpu.GatewayUdpMicrosPerPacket is { } perPacket)
        {
            Row("gateway-udp CPU per packet", F($"{perPacket} µs ({Cpu.BotPackets} packets)"));
        }

        if (Cpu.SiloMicrosPerBattleTick is { } perBattleTick)
        {
            Row("silo CPU per battle-tick", F($"{perBattleTick} µs ({Cpu.BattleTicks} battle-ticks), {Cpu.SiloBattlesPerCore} battles per core at {Run.TickRate} Hz"));
        }

        Row("errors", ErrorCount == 0 ? "0" : string.Join(", ", Errors.Select(e => $"{e.Key}={e.Value}")));
        Row("trouble", Trouble.Total == 0 ? "0" : string.Join(", ", Trouble.Counts.Where(c => c.Value > 0).Select(c => $"{c.Key}={c.Value}")));
        Row("starved (gaps > threshold)", F(
            $"{Trouble.StarvedBotSeconds} bot-s = {Trouble.StarvedPercent} % of {Trouble.InBattleBotSeconds} in battle, longest gap {Trouble.LongestGapSeconds} s (threshold {Trouble.Settings.GapThresholdSeconds} s)"));
        Row("thresholds", Thresholds.Passed ? "held" : "BROKEN: " + string.Join("; ", Thresholds.Breaches));
        AnsiConsole.Write(table);
    }

    public void Write(LoadOptions options)
    {
        if (options.ReportPath is { } report)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(report))!);
            File.WriteAllText(report, JsonSerializer.Serialize(this, Json));
            Console.WriteLine($"report: {report}");
        }

        if (options.PlotPath is { } plot)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(plot))!);
            Console.WriteLine($"plot: {RunPlot.Write(plot, Timeline, Run)}");
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
