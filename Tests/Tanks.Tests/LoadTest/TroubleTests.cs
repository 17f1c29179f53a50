using System.Diagnostics;
using System.Text.Json;
using Tanks.LoadTest;
using Tanks.Protocol.Game;

namespace Tanks.Tests.LoadTest;

/// <summary>
/// The load tool's trouble counting (<see cref="BotTrouble"/>, <see cref="TroubleLimits"/>), driven by explicit
/// timestamps: no sleeps, no wall clock. Defaults: gap threshold 1 s, battle timeout 480 s, margin 60 s, rejoin 30 s.
/// </summary>
public sealed class TroubleTests
{
    private static readonly Guid BattleA = new("0b5c4f0e-1c1a-4c39-9d1e-000000000001");
    private static readonly Guid BattleB = new("0b5c4f0e-1c1a-4c39-9d1e-000000000002");

    private readonly LoadMetrics _load = new();
    private readonly TroubleMetrics _metrics;
    private readonly BotTrouble _bot;

    public TroubleTests()
    {
        _metrics = _load.Trouble;
        _bot = new BotTrouble(_metrics, new TroubleSettings());
    }

    [Fact]
    public void A_gap_of_one_and_a_half_seconds_counts_one_episode_and_its_whole_length_as_starved()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        Snapshots(from: 0, to: 1); // every 50 ms, the last at 1 s
        Passes(from: 1, to: 2.5);   // the driver's passes meanwhile: the gap opens once past 1 s

        Assert.Equal(1, _metrics[TroubleKind.SnapshotGap]);
        Assert.Equal(1, _metrics.StarvedNow);

        _bot.OnSnapshot(S(2.5));
        Assert.Equal(1, _metrics[TroubleKind.SnapshotGap]);
        Assert.Equal(0, _metrics.StarvedNow);
        Assert.Equal(1_500_000, _metrics.StarvedMicros);
        Assert.Equal(1_500_000, _metrics.LongestGapMicros);
    }

    [Fact]
    public void Gaps_up_to_the_threshold_count_nothing()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnSnapshot(S(0.05));
        Passes(from: 0.05, to: 1.05);
        _bot.OnSnapshot(S(1.05)); // exactly 1 s
        _bot.LeaveBattle(S(1.5));

        Assert.Equal(0, _metrics.Total);
        Assert.Equal(0, _metrics.StarvedMicros);
        Assert.Equal(1_500_000, _metrics.InBattleMicros);
    }

    [Fact]
    public void A_gap_no_pass_saw_is_counted_by_the_snapshot_that_ends_it_and_the_longest_is_kept()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnSnapshot(S(0.05));
        _bot.OnSnapshot(S(3.05)); // 3 s
        _bot.OnSnapshot(S(4.55)); // 1.5 s

        Assert.Equal(2, _metrics[TroubleKind.SnapshotGap]);
        Assert.Equal(4_500_000, _metrics.StarvedMicros);
        Assert.Equal(3_000_000, _metrics.LongestGapMicros);
        Assert.Equal(0, _metrics.StarvedNow);
    }

    [Fact]
    public void A_battle_that_never_sends_a_snapshot_is_starved_from_its_start_until_the_bot_leaves()
    {
        _bot.OnBattleStart(BattleA, 20, S(10));
        Passes(from: 10, to: 12);
        _bot.LeaveBattle(S(14));

        Assert.Equal(1, _metrics[TroubleKind.SnapshotGap]);
        Assert.Equal(4_000_000, _metrics.StarvedMicros);
        Assert.Equal(0, _metrics.StarvedNow);
        Assert.Equal(4_000_000, _metrics.InBattleMicros);
    }

    [Fact]
    public void A_second_BattleStart_of_the_same_battle_counts_one_resume_and_the_pause_before_it_as_one_gap()
    {
        Assert.Equal(BattleStartKind.New, _bot.OnBattleStart(BattleA, 20, S(0)));
        Snapshots(from: 0, to: 10);
        Passes(from: 10, to: 13);

        Assert.Equal(BattleStartKind.Resumed, _bot.OnBattleStart(BattleA, 20, S(13))); // moved to another silo
        _bot.OnSnapshot(S(13.1));                                                          // its full snapshot
        _bot.OnDecoded(S(13.1), ticksLeft: 20 * 100, endReason: 0);

        Assert.Equal(1, _metrics[TroubleKind.BattleResumed]);
        Assert.Equal(1, _metrics[TroubleKind.SnapshotGap]);
        Assert.Equal(3_100_000, _metrics.StarvedMicros);
        Assert.True(_bot.InBattle);

        Assert.Equal(BattleStartKind.New, _bot.OnBattleStart(BattleB, 20, S(20))); // another battle is no resume
        Assert.Equal(1, _metrics[TroubleKind.BattleResumed]);
        Assert.Equal(20_000_000, _metrics.InBattleMicros); // battle A: 0..20 s
    }

    [Fact]
    public void A_BattleStart_answering_a_resent_JoinQueue_is_an_echo_not_a_resume()
    {
        _bot.OnJoinSent();
        _bot.OnJoinSent(); // no answer within a second: sent again
        Assert.Equal(BattleStartKind.New, _bot.OnBattleStart(BattleA, 20, S(0)));
        Assert.Equal(BattleStartKind.Echo, _bot.OnBattleStart(BattleA, 20, S(1)));
        Assert.Equal(BattleStartKind.Resumed, _bot.OnBattleStart(BattleA, 20, S(2))); // one resend, one echo

        Assert.Equal(1, _metrics[TroubleKind.BattleResumed]);
    }

    [Fact]
    public void A_BattleStart_of_the_battle_that_just_ended_counts_one_battle_after_end_and_the_bot_plays_it()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        Snapshots(from: 0, to: 10);
        _bot.OnBattleEnd(BattleEndReasonCode.Time, S(10));
        _bot.OnJoinSent();

        Assert.Equal(BattleStartKind.New, _bot.OnBattleStart(BattleA, 20, S(10.2))); // sent back into the finished battle
        Passes(from: 10.2, to: 12);

        Assert.Equal(1, _metrics[TroubleKind.BattleAfterEnd]);
        Assert.Equal(1, _metrics[TroubleKind.SnapshotGap]); // no snapshot comes
        Assert.True(_bot.InBattle);
        Assert.Equal(BattleStartKind.New, _bot.OnBattleStart(BattleB, 20, S(13)));
        Assert.Equal(1, _metrics[TroubleKind.BattleAfterEnd]);
    }

    [Fact]
    public void A_battle_past_the_time_left_a_snapshot_showed_plus_the_margin_is_stuck_and_the_bot_leaves()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnSnapshot(S(0.05));
        _bot.OnDecoded(S(0.05), ticksLeft: 20 * 10, endReason: 0); // 10 s left: deadline 70.05 s

        Assert.Equal(TroubleAction.None, _bot.CheckBattle(S(70)));
        Assert.Equal(TroubleAction.Leave, _bot.CheckBattle(S(70.1)));

        Assert.Equal(1, _metrics[TroubleKind.BattleStuck]);
        Assert.Equal(1, _metrics[TroubleKind.SnapshotGap]); // starved since 0.05 s
        Assert.False(_bot.InBattle);
        Assert.Equal(0, _metrics.StarvedNow);
        Assert.True(_bot.Rejoining); // it starts over, and must be back within the rejoin timeout
        Assert.Equal(0, _metrics[TroubleKind.Reconnect]);
    }

    [Fact]
    public void Without_a_snapshot_the_battle_timeout_is_the_deadline()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));

        Assert.Equal(TroubleAction.None, _bot.CheckBattle(S(480)));
        Assert.Equal(TroubleAction.Leave, _bot.CheckBattle(S(480.01)));
        Assert.Equal(1, _metrics[TroubleKind.BattleStuck]);
    }

    [Fact]
    public void A_battle_that_ticks_on_at_no_time_left_is_stuck_a_margin_after_its_end()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        for (var t = 0.05; t < 70; t += 0.05)
        {
            _bot.OnSnapshot(S(t));
            _bot.OnDecoded(S(t), ticksLeft: Math.Max(0, 200 - (int)Math.Round(t * 20)), endReason: 0); // 10 s, then 0 for ever
            Assert.Equal(TroubleAction.None, _bot.CheckBattle(S(t)));
        }

        Assert.Equal(TroubleAction.Leave, _bot.CheckBattle(S(70.1)));
        Assert.Equal(0, _metrics[TroubleKind.SnapshotGap]);
    }

    [Fact]
    public void A_pause_moves_the_deadline_by_the_time_left_after_it()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnSnapshot(S(0.05));
        _bot.OnDecoded(S(0.05), ticksLeft: 20 * 10, endReason: 0); // deadline 70.05 s
        _bot.OnSnapshot(S(40));                                     // a 40 s pause
        _bot.OnDecoded(S(40), ticksLeft: 20 * 9, endReason: 0);    // deadline 109 s

        Assert.Equal(TroubleAction.None, _bot.CheckBattle(S(100)));
        Assert.Equal(TroubleAction.Leave, _bot.CheckBattle(S(109.1)));
    }

    [Fact]
    public void BattleEnd_with_reason_aborted_counts_one_abort_and_other_reasons_none()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnBattleEnd(BattleEndReasonCode.Time, S(1));
        _bot.OnBattleStart(BattleB, 20, S(2));
        _bot.OnBattleEnd(BattleEndReasonCode.Aborted, S(3));

        Assert.Equal(1, _metrics[TroubleKind.BattleAborted]);
        Assert.Equal(1, _metrics.Total);
        Assert.False(_bot.InBattle);
    }

    [Fact]
    public void A_lost_BattleEnd_after_a_snapshot_showed_the_end_requeues_without_a_gap_or_a_stuck_battle()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnSnapshot(S(0.05));
        _bot.OnDecoded(S(0.05), ticksLeft: 20 * 300, endReason: (byte)BattleEndReasonCode.Destroyed);
        Passes(from: 0.05, to: 60);

        Assert.Equal(TroubleAction.Requeue, _bot.CheckBattle(S(60.1)));
        Assert.Equal(1, _metrics[TroubleKind.BattleEndLost]);
        Assert.Equal(1, _metrics.Total);
        Assert.False(_bot.Rejoining);
    }

    [Fact]
    public void A_lost_connection_counts_one_reconnect_and_a_rejoin_that_takes_over_30_s_one_failure()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnSnapshot(S(0.05));
        _bot.OnConnectionLost(S(0.5));
        _bot.OnConnectionLost(S(10)); // lost again before it was back: the same reconnect
        _bot.CheckRejoin(S(30.5));

        Assert.Equal(1, _metrics[TroubleKind.Reconnect]);
        Assert.Equal(0, _metrics[TroubleKind.RejoinFailed]);
        Assert.False(_bot.InBattle);

        _bot.CheckRejoin(S(30.6));
        _bot.CheckRejoin(S(40));
        Assert.Equal(1, _metrics[TroubleKind.RejoinFailed]);

        Assert.Equal(BattleStartKind.New, _bot.OnBattleStart(BattleA, 20, S(45))); // the server sends it back into its battle
        Assert.False(_bot.Rejoining);
        _bot.OnConnectionLost(S(50));
        _bot.BackInPlay(); // queued again within the timeout
        _bot.CheckRejoin(S(100));

        Assert.Equal(2, _metrics[TroubleKind.Reconnect]);
        Assert.Equal(1, _metrics[TroubleKind.RejoinFailed]);
    }

    [Fact]
    public void The_backoff_doubles_from_2_s_to_16_s_with_a_quarter_of_jitter()
    {
        Assert.Equal(
            new[] { 2.0, 4, 8, 16, 16, 16 },
            new[] { 0, 1, 2, 3, 4, 40 }.Select(n => Bot.Backoff(n, jitter: 0.5) / (double)Stopwatch.Frequency));
        Assert.Equal(1.5, Bot.Backoff(0, jitter: 0) / (double)Stopwatch.Frequency, 6);
        Assert.Equal(20, Bot.Backoff(5, jitter: 1) / (double)Stopwatch.Frequency, 6);
    }

    [Fact]
    public void A_clean_run_passes_the_default_limits()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        Snapshots(from: 0, to: 60);
        _bot.OnBattleEnd(BattleEndReasonCode.Time, S(60));

        var result = Result(new LoadOptions());

        Assert.Equal(LoadCommand.Passed, LoadCommand.ExitCodeOf(result));
        Assert.Equal(0, result.Trouble.Total);
        Assert.Equal(60, result.Trouble.InBattleBotSeconds);
    }

    [Fact]
    public void A_stuck_battle_breaks_the_default_limits_and_the_run_exits_2()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        Assert.Equal(TroubleAction.Leave, _bot.CheckBattle(S(481)));

        var result = Result(new LoadOptions());

        Assert.Equal(LoadCommand.ThresholdBroken, LoadCommand.ExitCodeOf(result));
        Assert.Contains("trouble battle_stuck 1 > 0", result.Breaches);
        Assert.Contains(result.Breaches, b => b.StartsWith("trouble starved_percent 100 > 1", StringComparison.Ordinal));
        Assert.False(result.Thresholds.Passed);

        var off = Result(new LoadOptions { MaxTrouble = TroubleLimits.Parse(["battle_stuck=off", "starved_percent=off"]) });
        Assert.Equal(LoadCommand.Passed, LoadCommand.ExitCodeOf(off));
    }

    [Fact]
    public void Starved_bot_seconds_over_one_percent_of_the_battle_time_break_the_default_limits()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnSnapshot(S(0.05));
        _bot.OnSnapshot(S(1.55));    // 1.5 s of 100 s: 1.5 %
        Snapshots(from: 1.55, to: 100);
        _bot.OnBattleEnd(BattleEndReasonCode.Captured, S(100));

        var result = Result(new LoadOptions());
        Assert.Equal(1.5, result.Trouble.StarvedPercent);
        Assert.Equal(["trouble starved_percent 1.5 > 1 (% of in-battle bot-seconds)"], result.Breaches);

        var lenient = Result(new LoadOptions { MaxTrouble = TroubleLimits.Parse(["starved_percent=2", "snapshot_gap=1"]) });
        Assert.Empty(lenient.Breaches);
        var strict = Result(new LoadOptions { MaxTrouble = TroubleLimits.Parse(["snapshot_gap=0", "starved_seconds=1"]) });
        Assert.Equal(3, strict.Breaches.Count);
    }

    [Fact]
    public void The_report_has_a_trouble_section_with_every_kind_and_the_limits()
    {
        _bot.OnBattleStart(BattleA, 20, S(0));
        _bot.OnSnapshot(S(0.05));
        _bot.OnSnapshot(S(2.05));
        _bot.OnBattleStart(BattleA, 20, S(3));
        _bot.OnSnapshot(S(3));
        _bot.OnSnapshot(S(3.5));
        _bot.OnBattleEnd(BattleEndReasonCode.Aborted, S(4));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Result(new LoadOptions()), LoadResult.Json));
        var trouble = json.RootElement.GetProperty("trouble");
        var counts = trouble.GetProperty("counts");
        Assert.Equal(TroubleKinds.Names, counts.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, counts.GetProperty("snapshot_gap").GetInt64());
        Assert.Equal(1, counts.GetProperty("battle_resumed").GetInt64());
        Assert.Equal(1, counts.GetProperty("battle_aborted").GetInt64());
        Assert.Equal(3, trouble.GetProperty("total").GetInt64());
        Assert.Equal(2, trouble.GetProperty("starvedBotSeconds").GetDouble());
        Assert.Equal(2, trouble.GetProperty("longestGapSeconds").GetDouble());
        Assert.Equal(50, trouble.GetProperty("starvedPercent").GetDouble());
        Assert.Equal(1, trouble.GetProperty("settings").GetProperty("gapThresholdSeconds").GetDouble());
        var limits = json.RootElement.GetProperty("thresholds").GetProperty("maxTrouble");
        Assert.Equal(0, limits.GetProperty("battle_stuck").GetDouble());
        Assert.Equal(0, limits.GetProperty("rejoin_failed").GetDouble());
        Assert.Equal(1, limits.GetProperty("starved_percent").GetDouble());
    }

    [Theory]
    [InlineData("bogus=1")]
    [InlineData("battle_stuck")]
    [InlineData("battle_stuck=-1")]
    [InlineData("battle_stuck=many")]
    [InlineData("=3")]
    public void Bad_trouble_limits_are_refused(string value)
        => Assert.Throws<ArgumentException>(() => TroubleLimits.Parse([value]));

    [Fact]
    public void Trouble_limits_start_from_the_defaults_and_the_last_value_wins()
    {
        var limits = TroubleLimits.Parse(["reconnect=5", "battle_stuck=2", "battle_stuck=3", "rejoin_failed=off"]);

        Assert.Equal(
            new Dictionary<string, double> { ["battle_stuck"] = 3, ["reconnect"] = 5, ["starved_percent"] = 1 },
            limits.OrderBy(l => l.Key).ToDictionary());
    }

    private LoadResult Result(LoadOptions options)
        => LoadResult.From(options, _load, [], DateTime.UtcNow, 10, default, CpuSummary.From([], null, null, default, 20));

    private void Snapshots(double from, double to)
    {
        for (var t = from + 0.05; t <= to + 1e-9; t += 0.05)
        {
            _bot.OnSnapshot(S(t));
            Assert.Equal(TroubleAction.None, _bot.CheckBattle(S(t)));
        }
    }

    private void Passes(double from, double to)
    {
        for (var t = from + 0.025; t < to - 1e-9; t += 0.025)
        {
            Assert.Equal(TroubleAction.None, _bot.CheckBattle(S(t)));
        }
    }

    private static long S(double seconds) => (long)Math.Round(seconds * Stopwatch.Frequency);
}
