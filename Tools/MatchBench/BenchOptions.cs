namespace Tanks.MatchBench;

/// <summary>The command line, checked (<see cref="BenchCommand"/>).</summary>
public sealed record BenchOptions
{
    public required IReadOnlyList<int> Populations { get; init; }

    /// <summary>The matchmaking design under test (<see cref="MatchApis"/>).</summary>
    public string Api { get; init; } = "shards";

    public int Silos { get; init; } = 1;

    /// <summary>Queue shards: four, so each holds a quarter of the population, as a deployment sized for it would.</summary>
    public int Shards { get; init; } = 4;

    /// <summary>Joins outstanding at once (closed loop).</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>The window ends after this many joins, or <see cref="Seconds"/>, whichever first.</summary>
    public int Joins { get; init; } = 2000;

    public double Seconds { get; init; } = 20;

    /// <summary>Churn before the window, not measured (JIT, the first sweep over the population): joins or seconds.</summary>
    public int WarmupJoins { get; init; } = 300;

    public double WarmupSeconds { get; init; } = 5;

    /// <summary>Joining the population one by one (where it cannot be seeded) stops after this long.</summary>
    public double PopulateSeconds { get; init; } = 120;

    /// <summary>Of the joins, the share followed at once by a leave (the player joins again later).</summary>
    public double LeaveFraction { get; init; }

    /// <summary>Join every player to bring the population up even where the design can be seeded.</summary>
    public bool PopulateByJoins { get; init; }

    public required string RedisServer { get; init; }

    public bool Json { get; init; }
}
