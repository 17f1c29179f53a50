using System.Globalization;

namespace Tanks.LoadTest;

/// <summary>What went wrong for the players, by kind (see <see cref="BotTrouble"/> for when each is counted).</summary>
public enum TroubleKind
{
    /// <summary>A bot in battle got no snapshot for longer than the gap threshold (one per episode).</summary>
    SnapshotGap,

    /// <summary>A bot was in a battle past its time limit + margin without <c>BattleEnd</c>; it left and started over.</summary>
    BattleStuck,

    /// <summary><c>BattleEnd</c> with reason Aborted: the server ended a battle it could not resume.</summary>
    BattleAborted,

    /// <summary>A second <c>BattleStart</c> of the battle the bot is in: the battle moved (e.g. to another silo).</summary>
    BattleResumed,

    /// <summary>The snapshots said the battle was over, but no <c>BattleEnd</c> came within the margin (lost datagram).</summary>
    BattleEndLost,

    /// <summary>A <c>BattleStart</c> of the battle whose <c>BattleEnd</c> the bot had just received (the server sent it back into a finished battle).</summary>
    BattleAfterEnd,

    /// <summary>The bot's netcode connection timed out or was disconnected while it played; it reconnects.</summary>
    Reconnect,

    /// <summary>A bot that lost its connection (or left a stuck battle) was not back in play within the rejoin timeout.</summary>
    RejoinFailed,
}

public static class TroubleKinds
{
    /// <summary>The kinds' names in the report and on the command line, by <see cref="TroubleKind"/> value.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["snapshot_gap", "battle_stuck", "battle_aborted", "battle_resumed", "battle_end_lost", "battle_after_end", "reconnect", "rejoin_failed"];

    public static int Count => Names.Count;

    public static string Name(this TroubleKind kind) => Names[(int)kind];
}

/// <summary>How the bots judge trouble (seconds; from the command line).</summary>
public sealed record TroubleSettings
{
    /// <summary>A bot in battle without a snapshot for longer than this is starved (<c>--gap-threshold</c>).</summary>
    public double GapThresholdSeconds { get; init; } = 1;

    /// <summary>How long a battle may last before its first snapshot tells the time left (<c>--battle-timeout</c>: 7 min + 60 s).</summary>
    public double BattleTimeoutSeconds { get; init; } = 7 * 60 + 60;

    /// <summary>Slack after the time left that a snapshot showed (<c>--battle-margin</c>).</summary>
    public double BattleMarginSeconds { get; init; } = 60;

    /// <summary>A bot that lost its connection must be back in play within this (<c>--rejoin-timeout</c>).</summary>
    public double RejoinTimeoutSeconds { get; init; } = 30;
}

/// <summary>
/// The run's trouble, added to by every bot (Interlocked): counts by kind, the starved bot-time (whole gaps longer than
/// the threshold), the longest such gap, the in-battle bot-time (the share's denominator) and the bots starved right now.
/// </summary>
public sealed class TroubleMetrics
{
    private readonly long[] _counts = new long[TroubleKinds.Count];
    private long _starvedMicros;
    private long _longestGapMicros;
    private long _inBattleMicros;
    private long _starvedNow;

    public long this[TroubleKind kind] => Interlocked.Read(ref _counts[(int)kind]);

    public long StarvedMicros => Interlocked.Read(ref _starvedMicros);

    public long LongestGapMicros => Interlocked.Read(ref _longestGapMicros);

    public long InBattleMicros => Interlocked.Read(ref _inBattleMicros);

    /// <summary>Bots in an open gap now (the live line).</summary>
    public long StarvedNow => Interlocked.Read(ref _starvedNow);

    /// <summary>All counts together (the live line and the timeline).</summary>
    public long Total
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                total += Interlocked.Read(ref _counts[i]);
            }

            return total;
        }
    }

    public void Count(TroubleKind kind) => Interlocked.Increment(ref _counts[(int)kind]);

    public void GapOpened() => Interlocked.Increment(ref _starvedNow);

    /// <summary>A gap over the threshold closed after <paramref name="micros"/> (from the last snapshot, or the battle's start).</summary>
    public void GapClosed(long micros)
    {
        Interlocked.Decrement(ref _starvedNow);
        Interlocked.Add(ref _starvedMicros, micros);
        var longest = Interlocked.Read(ref _longestGapMicros);
        while (micros > longest)
        {
            var seen = Interlocked.CompareExchange(ref _longestGapMicros, micros, longest);
            if (seen == longest)
            {
                break;
            }

            longest = seen;
        }
    }

    public void AddInBattle(long micros) => Interlocked.Add(ref _inBattleMicros, micros);

    /// <summary>The non-zero counts as <c>kind=n</c>, or "0" (the live line).</summary>
    public string Brief()
    {
        var parts = new List<string>();
        for (var i = 0; i < _counts.Length; i++)
        {
            if (Interlocked.Read(ref _counts[i]) is var n and > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{TroubleKinds.Names[i]}={n}"));
            }
        }

        return parts.Count == 0 ? "0" : string.Join(' ', parts);
    }
}

/// <summary>The report's <c>trouble</c> section: counts by kind, starved bot-seconds (and their share of the in-battle ones), the longest gap.</summary>
public sealed record TroubleSummary(
    IReadOnlyDictionary<string, long> Counts,
    double StarvedBotSeconds,
    double InBattleBotSeconds,
    double StarvedPercent,
    double LongestGapSeconds,
    TroubleSettings Settings)
{
    public long Total => Counts.Values.Sum();

    public static TroubleSummary From(TroubleMetrics m, TroubleSettings settings)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<TroubleKind>())
        {
            counts[kind.Name()] = m[kind];
        }

        var starved = m.StarvedMicros / 1e6;
        var inBattle = m.InBattleMicros / 1e6;
        return new TroubleSummary(
            counts, Math.Round(starved, 2), Math.Round(inBattle, 1), inBattle == 0 ? 0 : Math.Round(100 * starved / inBattle, 3),
            Math.Round(m.LongestGapMicros / 1e6, 2), settings);
    }
}

/// <summary>
/// <c>--max-trouble KIND=N</c>: the most of each trouble kind a run may have, plus <c>starved_seconds</c> (bot-seconds)
/// and <c>starved_percent</c> (of the in-battle bot-seconds). The defaults fail a run in which bots were stuck, could
/// not get back in, or were starved for more than 1 % of their battle time; <c>KIND=off</c> drops a limit.
/// </summary>
public static class TroubleLimits
{
    public const string StarvedSeconds = "starved_seconds";
    public const string StarvedPercent = "starved_percent";

    public static readonly IReadOnlyDictionary<string, double> Defaults = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [TroubleKind.BattleStuck.Name()] = 0,
        [TroubleKind.RejoinFailed.Name()] = 0,
        [StarvedPercent] = 1,
    };

    public static IEnumerable<string> Keys => TroubleKinds.Names.Append(StarvedSeconds).Append(StarvedPercent);

    /// <summary>The defaults with each <c>KIND=N</c> (or <c>KIND=off</c>) applied in order.</summary>
    public static IReadOnlyDictionary<string, double> Parse(IEnumerable<string> values)
    {
        var limits = new Dictionary<string, double>(Defaults, StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            var key = eq > 0 ? value[..eq].Trim() : value;
            if (eq <= 0 || !Keys.Contains(key, StringComparer.Ordinal))
            {
                throw new ArgumentException($"--max-trouble '{value}': expected KIND=N with KIND one of {string.Join(", ", Keys)}");
            }

            var number = value[(eq + 1)..].Trim();
            if (number.Equals("off", StringComparison.OrdinalIgnoreCase))
            {
                limits.Remove(key);
            }
            else if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var max) && max >= 0 && double.IsFinite(max))
            {
                limits[key] = max;
            }
            else
            {
                throw new ArgumentException($"--max-trouble '{value}': N must be a number ≥ 0 or off");
            }
        }

        return limits;
    }

    /// <summary>The limits the summary breaks, as the summary table words them.</summary>
    public static IEnumerable<string> Breaches(TroubleSummary trouble, IReadOnlyDictionary<string, double> limits)
    {
        foreach (var (key, max) in limits.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            var (actual, unit) = key switch
            {
                StarvedSeconds => (trouble.StarvedBotSeconds, " (bot-seconds)"),
                StarvedPercent => (trouble.StarvedPercent, " (% of in-battle bot-seconds)"),
                _ => (trouble.Counts[key], ""),
            };
            if (actual > max)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"trouble {key} {actual} > {max}{unit}");
            }
        }
    }
}
