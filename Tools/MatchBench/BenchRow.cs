using System.Globalization;
using Tanks.Measurement;

namespace Tanks.MatchBench;

/// <summary>
/// One population's figures over the measured window. <see cref="WriteBytesPerJoin"/>: redis-server's
/// <c>total_net_input_bytes</c> over the window ÷ joins, so every byte the grains sent the store (their state writes,
/// which are nearly all of it, and their reads) is charged to the joins; <see cref="StorageWritesPerJoin"/>: its
/// <c>evalsha</c> calls (the Orleans Redis storage writes with a script) ÷ joins; <see cref="BytesPerWrite"/>: the bytes ÷
/// those calls (the size of what one write carries). With no join answered in the window the per-join figures are per
/// window. <see cref="SerialJoinMs"/>: one join with nothing else outstanding (before the churn).
/// </summary>
public sealed record BenchRow(
    int Players,
    int PopulationReached,
    string PopulatedBy,
    int Concurrency,
    double Seconds,
    int Joins,
    double JoinsPerSecond,
    long Battles,
    double BattlesPerSecond,
    double WriteBytesPerJoin,
    double StorageWritesPerJoin,
    double BytesPerWrite,
    double RedisMicrosPerJoin,
    double P50JoinMs,
    double P99JoinMs,
    double MaxJoinMs,
    double SerialJoinMs,
    int Unanswered,
    int Errors,
    IReadOnlyDictionary<string, int> ErrorKinds,
    int Leaves,
    int? QueuedAtEnd,
    int? InBattleAtEnd,
    double RssMb,
    double RedisUsedMb,
    double Load1,
    string? Note)
{
    public static BenchRow From(
        int players, int reached, string populatedBy, int concurrency, ChurnCounts window, double serialJoinMs, RedisCounters before, RedisCounters after,
        MatchStats? end, double rssMb, IReadOnlyList<string> notes)
    {
        var joins = Math.Max(1, window.Joins); // per-join figures of an empty window stay finite
        // Joins unanswered at the end and older than every answer are the slowest of the window: they count at their age
        // so far (the figures are then lower bounds, and the note says so), else a grain that answers nothing looks fast.
        var answeredMax = window.LatenciesMs.DefaultIfEmpty(0).Max();
        var slow = window.UnansweredMs.Where(ms => ms > answeredMax).ToArray();
        var sorted = window.LatenciesMs.Concat(slow).Order().ToArray();
        var bytes = after["total_net_input_bytes"] - before["total_net_input_bytes"];
        var writes = after.WriteCalls - before.WriteCalls;
        return new BenchRow(
            players,
            reached,
            populatedBy,
            concurrency,
            Round(window.Seconds),
            window.Joins,
            Round(window.Joins / window.Seconds),
            window.BattlesStarted,
            Round(window.BattlesStarted / window.Seconds),
            Round(bytes / joins),
            Round(writes / joins),
            Round(writes == 0 ? 0 : bytes / writes),
            Round((after.WriteMicros - before.WriteMicros) / joins),
            Round(Percentile.NearestRank(sorted, 50)),
            Round(Percentile.NearestRank(sorted, 99)),
            Round(sorted.Length == 0 ? 0 : sorted[^1]),
            Round(serialJoinMs),
            slow.Length,
            window.Errors.Values.Sum(),
            window.Errors,
            window.Leaves,
            end?.Queued,
            end?.PlayersInBattle,
            Round(rssMb),
            Round(after["used_memory"] / (1024 * 1024)),
            LoadAverage(),
            notes.Count == 0 ? null : string.Join("; ", notes));
    }

    private static double Round(double value)
        => double.IsFinite(value) ? Math.Round(value, value >= 100 ? 0 : value >= 1 ? 1 : 3) : 0;

    /// <summary>The machine's 1-minute load average at the window's end (other work on the box shows here).</summary>
    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
