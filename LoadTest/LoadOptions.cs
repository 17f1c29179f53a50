using Tanks.Measurement;

namespace Tanks.LoadTest;

/// <summary>The knobs of one load run (from the command line, see <see cref="LoadCommand"/>).</summary>
public sealed record LoadOptions
{
    public string TcpHost { get; init; } = "127.0.0.1";
    public int TcpPort { get; init; } = 8888;
    public int Bots { get; init; } = 14;
    /// <summary>Bots started per second.</summary>
    public double Ramp { get; init; } = 50;
    public double DurationSeconds { get; init; } = 30;
    /// <summary>Seconds from the start before the measured window opens (usually the ramp and its first battles).</summary>
    public double WarmupSeconds { get; init; }
    public int TickRate { get; init; } = 20;
    public int Seed { get; init; } = 1;
    /// <summary>light, medium, heavy or mixed (by bot index).</summary>
    public string TankClass { get; init; } = "mixed";
    /// <summary>Driver threads that update the bots' sockets and send their inputs.</summary>
    public int Threads { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);
    /// <summary>Concurrent TCP auth connections (Gateway.Tcp caps connections per address at 32).</summary>
    public int AuthConcurrency { get; init; } = 16;
    public string? ReportPath { get; init; }
    public string? PlotPath { get; init; }
    public bool Quiet { get; init; }
    /// <summary>Processes whose CPU the report shows over the measured window (<c>--metrics NAME=URL</c>).</summary>
    public IReadOnlyList<MetricsTarget> Metrics { get; init; } = [];
    public double? MaxLossPercent { get; init; }
    public double? MaxP99InterArrivalMs { get; init; }
    public double? MaxLoginP99Ms { get; init; }
    public long? MaxErrors { get; init; }
    /// <summary>How the bots judge snapshot gaps, stuck battles and rejoins.</summary>
    public TroubleSettings Trouble { get; init; } = new();
    /// <summary>The most of each trouble kind (<c>--max-trouble</c>; <see cref="TroubleLimits"/>).</summary>
    public IReadOnlyDictionary<string, double> MaxTrouble { get; init; } = TroubleLimits.Defaults;

    public string Password => $"loadtest-password-{Seed}";

    /// <summary>Deterministic account name of bot <paramref name="index"/> (3-24 characters of a-z, 0-9, _).</summary>
    public string BotName(int index) => $"lt{(uint)Seed % 100000}_{index}";
}
