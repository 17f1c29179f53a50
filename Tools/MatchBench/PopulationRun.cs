using System.Diagnostics;
using System.Globalization;
using Tanks.Game;
using Tanks.Measurement;

namespace Tanks.MatchBench;

/// <summary>
/// One population on a fresh redis-server and cluster: bring it up (not measured), churn to warm up, then the measured
/// window; the figures come from the bench's clock (joins, latency), the battle board (battles formed) and redis-server's
/// INFO (bytes and writes the grains sent it).
/// </summary>
public sealed class PopulationRun(BenchOptions options, MatchApis.Api api, int players, Action<string> progress)
{
    public async Task<BenchRow> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var board = new BattleBoard(api.Owner);
        await using var redis = await RedisProcess.StartAsync(options.RedisServer, cancellationToken);
        await using var cluster = await BenchCluster.StartAsync(options.Silos, options.Shards, redis.ConnectionString, board);
        var matchmaking = api.Create(cluster);
        var population = Enumerable.Range(0, players).Select(Player).ToArray();

        var notes = new List<string>();
        var (reached, populatedBy) = await PopulateAsync(matchmaking, board, population, notes, cancellationToken);
        progress(Inv($"{players} players: {reached} up by {populatedBy} in {clock.Elapsed.TotalSeconds:F1} s"));

        var churn = new Churn(matchmaking, cluster.Client, board, options.Concurrency, options.LeaveFraction, players);
        var serialJoinMs = await SerialJoinsAsync(matchmaking, cluster.Client, board, churn);
        progress(Inv($"{players} players: a join alone takes {serialJoinMs:F1} ms; warming up"));
        churn.Start();
        RedisCounters before, after;
        ChurnCounts window;
        MatchStats? end;
        try
        {
            await churn.WaitAsync(options.WarmupJoins, options.WarmupSeconds, cancellationToken);
            var warmup = churn.Mark();
            before = await redis.ReadAsync();
            progress(Inv($"{players} players: warm-up {warmup.Joins} joins in {warmup.Seconds:F1} s; measuring"));
            await churn.WaitAsync(options.Joins, options.Seconds, cancellationToken);
            after = await redis.ReadAsync();
            window = churn.Mark();
            end = await TryStatsAsync(matchmaking);
        }
        finally
        {
            await churn.StopAsync();
        }

        if (window.Joins == 0)
        {
            notes.Add("no join was answered in the window");
        }

        var answeredMax = window.LatenciesMs.DefaultIfEmpty(0).Max();
        if (window.UnansweredMs.Count(ms => ms > answeredMax) is > 0 and var slow)
        {
            notes.Add(Inv($"{slow} joins still unanswered at the window's end, the oldest for {window.UnansweredMs.Max() / 1000:F1} s: counted in the latencies at their age so far, so p50/p99 are lower bounds"));
        }

        if (window.Errors.Keys.Any(k => k.Contains("Timeout", StringComparison.Ordinal)))
        {
            notes.Add("joins timed out (Orleans' 30 s response timeout): counted in the latencies at the time they failed");
        }

        if (end is null)
        {
            notes.Add("the end-of-window stats call timed out");
        }

        if (window.SentBack > 0)
        {
            notes.Add(Inv($"{window.SentBack} joins were sent back into a battle that had ended"));
        }

        var row = BenchRow.From(players, reached, populatedBy, options.Concurrency, window, serialJoinMs, before, after, end, ResidentMb(), notes);
        progress(Inv($"{players} players: {row.Joins} joins in {row.Seconds:F1} s, {clock.Elapsed.TotalSeconds:F0} s in all"));
        return row;
    }

    private async Task<(int Reached, string By)> PopulateAsync(
        IMatchmaking matchmaking, BattleBoard board, BenchPlayer[] population, List<string> notes, CancellationToken cancellationToken)
    {
        if (!options.PopulateByJoins && await matchmaking.TrySeedAsync(population, board))
        {
            var seeded = await matchmaking.GetStatsAsync();
            return (seeded.Queued + seeded.PlayersInBattle, "seed");
        }

        // One by one, as fast as the grains take them, bounded in time; battles form meanwhile.
        var next = -1;
        var joined = 0;
        var budget = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while (budget.Elapsed.TotalSeconds < options.PopulateSeconds && (i = Interlocked.Increment(ref next)) < population.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await matchmaking.JoinAsync(population[i]);
                    Interlocked.Increment(ref joined);
                }
                catch (TimeoutException)
                {
                }
            }
        }, cancellationToken)));
        if (joined < population.Length)
        {
            notes.Add(Inv($"population not reached: {joined} of {population.Length} joined in the {options.PopulateSeconds:0} s allowed"));
        }

        return (joined, "joins");
    }

    /// <summary>
    /// What one join costs with nothing else outstanding: one battle ended, then its players joined one at a time (up to
    /// 5, or 15 s), the median. Its players not joined here go to the churn.
    /// </summary>
    private static async Task<double> SerialJoinsAsync(IMatchmaking matchmaking, IClusterClient client, BattleBoard board, Churn churn)
    {
        if (!board.TryTakeOldest(out var battle))
        {
            return 0;
        }

        await client.GetGrain<IBenchBattleGrain>(battle.BattleId).EndAsync();
        var players = battle.Players.Select(p => new BenchPlayer(p.UserId, p.UserName, p.TankClass)).ToArray();
        var times = new List<double>();
        var budget = Stopwatch.StartNew();
        var joined = 0;
        while (joined < Math.Min(5, players.Length) && budget.Elapsed < TimeSpan.FromSeconds(15))
        {
            var started = Stopwatch.GetTimestamp();
            await matchmaking.JoinAsync(players[joined++]);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        churn.AddIdle(players.Skip(joined));
        return Percentile.NearestRank([.. times.Order()], 50);
    }

    private static async Task<MatchStats?> TryStatsAsync(IMatchmaking matchmaking)
    {
        try
        {
            return await matchmaking.GetStatsAsync();
        }
        catch (TimeoutException)
        {
            return null; // behind the joins in a grain that cannot keep up
        }
    }

    private static readonly string[] TankClassNames = [.. TankClasses.All().Select(c => c.Name)];

    /// <summary>Deterministic players: user ids from 1, classes in turn.</summary>
    private static BenchPlayer Player(int index)
        => new(index + 1, Inv($"mb{index + 1}"), TankClassNames[index % TankClassNames.Length]);

    /// <summary>This process's resident memory (the silos, the client and the driver), from /proc.</summary>
    private static double ResidentMb()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return Environment.WorkingSet / (1024.0 * 1024);
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
