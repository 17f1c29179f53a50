namespace Tanks.LoginBench;

/// <summary>What one bench run does; see <see cref="BenchCommand"/> for the options that fill it.</summary>
public sealed class BenchOptions
{
    public required string TcpHost { get; init; }
    public required int TcpPort { get; init; }
    public required int Accounts { get; init; }
    public required int Concurrency { get; init; }
    public required double Seconds { get; init; }
    public required double WarmupSeconds { get; init; }
    public double InitialWarmupSeconds { get; init; }
    public required int Repeats { get; init; }
    public required int Seed { get; init; }
    public required double OpenFraction { get; init; }
    public double? OpenRate { get; init; }
    public required int MaxInFlight { get; init; }
    public required int Argon2MemoryKiB { get; init; }
    public required int Argon2Iterations { get; init; }
    public required TimeSpan RequestTimeout { get; init; }
    public string? ReportPath { get; init; }
    public IReadOnlyList<(string Name, int Pid)> CpuPids { get; init; } = [];

    public string AccountName(int index) => $"lb{Seed}_{index}";
}
