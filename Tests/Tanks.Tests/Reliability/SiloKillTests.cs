using Tanks.Protocol.Game;

namespace Tanks.Tests.Reliability;

/// <summary>
/// Issue 10, scenario 1: SIGKILL the silo that hosts battles and the registry. Every battle on it resumes on another silo
/// (the gateway re-sends its start, snapshots follow) or ends Aborted and its players get a new battle from the queue,
/// within membership detection + 2 s; battles elsewhere play on; the registry answers with its state; no account is lost;
/// the silos' resumed + aborted counters match what the players saw.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class SiloKillTests
{
    // Contract: detection + ~2 s; one more second for the test host's own scheduling on a busy machine.
    private static readonly TimeSpan ResumeAllowance = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Killing_the_silo_with_battles_and_the_registry_resumes_or_aborts_every_battle_within_the_bound()
    {
        var report = new ScenarioReport("silo-kill-registry");
        await using var cluster = await ReliabilityCluster.StartAsync(new ReliabilityOptions { TimeLimit = "00:00:40" });
        await using var swarm = await BotSwarm.StartAsync(cluster, 12);
        try
        {
            var battles = await swarm.WaitAllInBattleAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(6, battles.Count);
            var placement = await cluster.PlacementAsync();
            var perSilo = placement.BattlesPerSilo(cluster.Silos.Count);
            report.Add("battles per silo", perSilo);
            report.Add("tanks_battles_running per silo", await cluster.BattlesRunningAsync());
            report.Add("registry silo (placement)", placement.Registry);
            report.Add("registry silo (tanks_registry_active)", await cluster.RegistrySiloByMetricsAsync());
            Assert.True(battles.Keys.All(placement.Battles.ContainsKey), "a battle the bots play has no activation");

            var registry = placement.Registry ?? throw new InvalidOperationException("the registry is not active anywhere");
            var victim = perSilo[registry] > 0 ? registry : Array.IndexOf(perSilo, perSilo.Max());
            report.Add("victim", victim);
            report.Add("registry co-located with battles", perSilo[registry] > 0);
            var lost = battles.Where(b => placement.Battles[b.Key] == victim).ToDictionary();
            var kept = battles.Where(b => placement.Battles[b.Key] != victim).ToDictionary();
            report.Add("battles lost", lost.Count);
            Assert.NotEmpty(lost);

            var address = await cluster.SiloAddressAsync(victim) ?? throw new InvalidOperationException("victim not in membership");
            var killedAt = cluster.Clock.Elapsed;
            var exit = await cluster.StopSiloAsync(victim, StopSignal.Kill);
            report.Add("exit code", exit.ExitCode);
            var deadAt = await cluster.WaitDeclaredDeadAsync(address, TimeSpan.FromSeconds(40));
            var detection = deadAt - killedAt;
            report.Add("detection", detection);

            // Wait (generously) for every lost battle to be settled one way or the other; judge the times afterwards.
            var affected = lost.SelectMany(b => b.Value.Select(bot => (bot, id: b.Key))).ToArray();
            Outcome[] Fates() => [.. affected.Select(a => Outcomes.Of(a.bot, a.id, killedAt))];
            await BotSwarm.WaitUntilAsync(
                () => Fates().All(o => o.Fate is Fate.Resumed or Fate.AbortedAndRequeued),
                detection + TimeSpan.FromSeconds(20),
                () => "battles not back:\n" + Outcomes.Describe(Fates().Where(o => o.Fate is not (Fate.Resumed or Fate.AbortedAndRequeued)), killedAt));
            var fates = Fates();
            report.Log("lost battles:\n" + Outcomes.Describe(fates, killedAt));
            var back = fates.Max(o => o.BackAt!.Value - killedAt);
            report.Add("players affected", fates.Length);
            report.Add("pause (kill to first snapshot, worst player)", back);
            report.Add("resumed players", fates.Count(o => o.Fate == Fate.Resumed));
            report.Add("aborted players", fates.Count(o => o.Fate == Fate.AbortedAndRequeued));
            report.Add("resume after detection (worst)", back - detection);

            // The registry answers with its state: every player is in a battle (the resumed ones or the new ones).
            var stats = await RetryAsync(cluster.RegistryStatsAsync, TimeSpan.FromSeconds(15));
            report.Add("registry players in battle", stats.PlayersInBattle);
            report.Add("registry live battles", stats.LiveBattles);

            var resumedBattles = fates.Where(o => o.Fate == Fate.Resumed).Select(o => o.BattleId).Distinct().Count();
            var abortedBattles = fates.Where(o => o.Fate == Fate.AbortedAndRequeued).Select(o => o.BattleId).Distinct().Count();
            var resumedMetric = await cluster.SumOverSilosAsync(SiloMetricNames.BattlesResumed);
            var abortedMetric = await cluster.SumOverSilosAsync(SiloMetricNames.BattlesAborted);
            report.Add("tanks_battles_resumed_total (survivors)", resumedMetric);
            report.Add("tanks_battles_aborted_total (survivors)", abortedMetric);
            report.Add("placement after", (await cluster.PlacementAsync()).BattlesPerSilo(cluster.Silos.Count));

            var keptBots = kept.SelectMany(b => b.Value).ToArray();
            var keptLag = keptBots.Length == 0 ? 0 : keptBots.Max(b => b.Journal.Segments.Max(s => s.MaxLagTicks));
            var keptGap = keptBots.Length == 0 ? TimeSpan.Zero : keptBots.Max(b => b.Journal.Segments.Max(s => s.MaxGap));
            report.Add("surviving battles: max lag (ticks)", keptLag);
            report.Add("surviving battles: max snapshot gap", keptGap);

            await swarm.StopAsync();
            var failedLogins = await cluster.FailedLoginsAsync(swarm.Bots.Select(b => b.Name), TimeSpan.FromSeconds(60));
            report.Add("accounts lost (failed logins)", failedLogins.Count);
            report.Add("bot errors", swarm.ErrorsByKind());

            Assert.All(fates, o => Assert.True(o.BackAt!.Value - killedAt <= detection + ResumeAllowance,
                $"{o.Bot.Name}: back after {(o.BackAt.Value - killedAt).TotalSeconds:0.00} s, detection {detection.TotalSeconds:0.00} s + {ResumeAllowance.TotalSeconds} s"));
            SurvivorsUndisturbed(keptBots, killedAt);
            Assert.True(keptLag <= 20, $"a battle on a surviving silo fell {keptLag:0} ticks behind (over 1 s)");
            Assert.True(keptGap <= TimeSpan.FromSeconds(1), $"a battle on a surviving silo paused {keptGap.TotalSeconds:0.00} s");
            Assert.True(stats.PlayersInBattle == 12 && stats.LiveBattles == 6, $"registry: {stats}");
            Assert.True(resumedMetric == resumedBattles, $"tanks_battles_resumed_total {resumedMetric}, battles the players saw resumed {resumedBattles}");
            Assert.True(abortedMetric == abortedBattles, $"tanks_battles_aborted_total {abortedMetric}, battles the players saw aborted {abortedBattles}");
            Assert.Empty(failedLogins);
        }
        catch (Exception) when (Fail(report, cluster))
        {
            throw;
        }
        finally
        {
            report.Write(cluster, swarm);
        }
    }

    /// <summary>Bots whose battles were not on the faulty silo: no abort, no new start of their battle after the fault.</summary>
    internal static void SurvivorsUndisturbed(IEnumerable<PlayerBot> bots, TimeSpan since)
    {
        foreach (var bot in bots)
        {
            Assert.False(bot.Journal.Ends.Any(e => e.Reason == BattleEndReasonCode.Aborted),
                $"{bot.Name}: a battle on a surviving silo ended Aborted:\n{bot.Journal.Describe()}");
            Assert.False(bot.Journal.Segments.Any(s => s.Kind == StartKind.Repeat && s.StartedAt >= since && !s.AfterReconnect),
                $"{bot.Name}: a battle on a surviving silo started again (resumed from its checkpoint?):\n{bot.Journal.Describe()}");
        }
    }

    internal static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeSpan timeout)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (watch.Elapsed < timeout)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Adds the processes' warnings and errors to the log of a failing scenario (never catches).</summary>
    internal static bool Fail(ScenarioReport report, ReliabilityCluster cluster)
    {
        report.Log("log excerpt (warnings, errors):\n" + cluster.LogExcerpt(80));
        return false;
    }
}
