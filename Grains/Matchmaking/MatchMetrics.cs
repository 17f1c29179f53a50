using System.Diagnostics.Metrics;
using Tanks.Grains.Accounts;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// Matchmaking instruments on the "Tanks" meter, tagged by shard: players queued, how long tickets waited until matched,
/// and the quality of each battle formed (rating range over its players, the teams' mean ratings apart).
/// </summary>
public static class MatchMetrics
{
    public const string Queued = "match.queued";
    public const string Wait = "match.wait";
    public const string RatingRange = "match.rating_range";
    public const string TeamGap = "match.team_gap";
    public const string Formed = "match.battles_formed";
    public const string ShardsActive = "match.shards_active";

    private static readonly Meter Meter = new(AccountMetrics.MeterName);
    private static readonly UpDownCounter<long> QueuedCounter = Meter.CreateUpDownCounter<long>(Queued, description: "Players queued, by shard.");
    private static readonly Histogram<double> WaitHistogram = Meter.CreateHistogram<double>(Wait, "s", "How long a matched ticket waited, by shard.");
    private static readonly Histogram<double> RangeHistogram = Meter.CreateHistogram<double>(RatingRange, description: "Highest minus lowest rating in a battle formed.");
    private static readonly Histogram<double> GapHistogram = Meter.CreateHistogram<double>(TeamGap, description: "The two teams' mean ratings apart in a battle formed.");
    private static readonly Counter<long> FormedCounter = Meter.CreateCounter<long>(Formed, description: "Battles formed, by shard.");
    private static readonly UpDownCounter<long> ShardsCounter = Meter.CreateUpDownCounter<long>(ShardsActive, description: "Queue shards active on this silo.");

    private static KeyValuePair<string, object?> ShardTag(int shard) => new("shard", ShardNames.Get(shard));

    public static void QueueChanged(int shard, int players)
    {
        if (players != 0)
        {
            QueuedCounter.Add(players, ShardTag(shard));
        }
    }

    public static void Matched(int shard, FormedBattle battle, DateTimeOffset now)
    {
        var tag = ShardTag(shard);
        FormedCounter.Add(1, tag);
        RangeHistogram.Record(battle.RatingRange);
        GapHistogram.Record(battle.TeamGap);
        foreach (var ticket in battle.Tickets)
        {
            WaitHistogram.Record(Math.Max(0, (now - ticket.QueuedAt).TotalSeconds), tag);
        }
    }

    public static void ShardActivated() => ShardsCounter.Add(1);

    public static void ShardDeactivated() => ShardsCounter.Add(-1);

    /// <summary>Shard numbers as label strings, made once each (no string per measurement).</summary>
    private static class ShardNames
    {
        private static readonly string[] Names = Enumerable.Range(0, 256).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        public static string Get(int shard) => (uint)shard < Names.Length ? Names[shard] : shard.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
