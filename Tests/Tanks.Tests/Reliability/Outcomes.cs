using Tanks.Protocol.Game;

namespace Tanks.Tests.Reliability;

/// <summary>What became of one bot's battle after a fault at time <c>since</c>.</summary>
public enum Fate
{
    /// <summary>Nothing yet: no start again, no end, no snapshots after the fault beyond the bound.</summary>
    Pending,

    /// <summary>The same battle started again (the gateway re-sent <c>BattleStart</c>) and snapshots came.</summary>
    Resumed,

    /// <summary><c>BattleEnd</c> with reason Aborted, then a new battle from the queue with snapshots.</summary>
    AbortedAndRequeued,

    /// <summary>Ended Aborted; not (yet) in a new battle.</summary>
    Aborted,

    /// <summary>Snapshots of the same battle went on without a new start (e.g. a live migration).</summary>
    Continued,

    /// <summary>The battle ended normally (time limit, destruction, capture).</summary>
    Ended,
}

/// <summary>A bot's fate and when play was back (first snapshot of the resumed or new battle, or of the continuation).</summary>
public sealed record Outcome(PlayerBot Bot, Guid BattleId, Fate Fate, TimeSpan? BackAt, string Detail);

public static class Outcomes
{
    /// <summary>Reads from the bot's journal what became of <paramref name="battleId"/> after <paramref name="since"/>; <paramref name="minSnapshots"/> snapshots prove play.</summary>
    public static Outcome Of(PlayerBot bot, Guid battleId, TimeSpan since, int minSnapshots = 5)
    {
        var segments = bot.Journal.Segments;
        var after = segments.Where(s => s.StartedAt >= since).ToList();
        var resumed = after.FirstOrDefault(s => s.BattleId == battleId && s.Kind == StartKind.Repeat);
        if (resumed is { FirstSnapshotAt: { } back } && resumed.Snapshots >= minSnapshots)
        {
            return new Outcome(bot, battleId, Fate.Resumed, back, $"resumed at tick {resumed.FirstTick}");
        }

        var end = bot.Journal.Ends.FirstOrDefault(e => e.At >= since && e.BattleId == battleId);
        if (end is { Reason: BattleEndReasonCode.Aborted })
        {
            var next = after.FirstOrDefault(s => s.BattleId != battleId && s.StartedAt >= end.At);
            return next is { FirstSnapshotAt: { } first } && next.Snapshots >= minSnapshots
                ? new Outcome(bot, battleId, Fate.AbortedAndRequeued, first, $"aborted at {BotJournal.Sec(end.At)}, new battle {BotJournal.Short(next.BattleId)}")
                : new Outcome(bot, battleId, Fate.Aborted, null, $"aborted at {BotJournal.Sec(end.At)}");
        }

        if (end is not null)
        {
            return new Outcome(bot, battleId, Fate.Ended, end.At, $"ended {end.Reason}");
        }

        // No new start: did the same segment keep receiving snapshots after the fault?
        var running = segments.LastOrDefault(s => s.BattleId == battleId && s.StartedAt < since);
        if (resumed is null && running is { LastSnapshotAt: { } last } && last > since + TimeSpan.FromSeconds(1) && running.EndedAt is null)
        {
            return new Outcome(bot, battleId, Fate.Continued, last, $"continued to tick {running.LastTick}");
        }

        return new Outcome(bot, battleId, Fate.Pending, null, resumed is null ? "no start, no end, no snapshots" : $"started again, {resumed.Snapshots} snapshots");
    }

    public static string Describe(IEnumerable<Outcome> outcomes, TimeSpan since)
        => string.Join('\n', outcomes.Select(o =>
            $"  {o.Bot.Name} battle {BotJournal.Short(o.BattleId)}: {o.Fate}{(o.BackAt is { } b ? $" after {(b - since).TotalSeconds:0.00} s" : "")} ({o.Detail})"));
}
