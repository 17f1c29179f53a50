using Tanks.Protocol.Game;

namespace Tanks.Tests.Reliability;

/// <summary>
/// Issue 10, scenario 3: SIGTERM the silo with the most battles. It answers <c>/health/ready</c> with 503 first, moves its
/// battles to the other silos, and exits with code 0 within <c>Silo__DrainTimeout</c>; its players see at most a short
/// pause, no abort, no error, and their battles tick on elsewhere.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class SiloDrainTests
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    // "A short pause": a migration moves a battle between two ticks; allow for a slow machine.
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_SIGTERMed_silo_reports_not_ready_moves_its_battles_and_exits_0_within_the_drain_budget()
    {
        var report = new ScenarioReport("silo-sigterm-drain");
        await using var cluster = await ReliabilityCluster.StartAsync(new ReliabilityOptions
        {
            TimeLimit = "00:00:40",
            SiloSettings = new Dictionary<string, string> { ["Silo__DrainTimeout"] = $"00:00:{DrainTimeout.TotalSeconds:00}" },
        });
        await using var swarm = await BotSwarm.StartAsync(cluster, 12, new BotBehaviour { Requeue = false });
        try
        {
            var battles = await swarm.WaitAllInBattleAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(6, battles.Count);
            var placement = await cluster.PlacementAsync();
            var perSilo = placement.BattlesPerSilo(3);
            report.Add("battles per silo", perSilo);
            report.Add("registry silo", placement.Registry);
            var victim = Array.IndexOf(perSilo, perSilo.Max());
            var drained = battles.Where(b => placement.Battles[b.Key] == victim).ToDictionary();
            var keptBots = battles.Where(b => placement.Battles[b.Key] != victim).SelectMany(b => b.Value).ToArray();
            var migratedBefore = await cluster.SumOverSilosAsync(SiloMetricNames.BattlesMigrated);
            report.Add("victim", victim);
            report.Add("battles on the victim", drained.Count);

            // Readiness of the victim every 50 ms from the signal to its exit.
            var readiness = new List<(TimeSpan At, int Status)>();
            using var stopPolling = new CancellationTokenSource();
            var slot = cluster.Silos[victim];
            var process = slot.Process!;
            var poller = Task.Run(async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
                for (var i = 0; i < 2000 && !stopPolling.IsCancellationRequested && !process.HasExited; i++)
                {
                    var status = await process.ReadyStatusAsync(http);
                    lock (readiness)
                    {
                        readiness.Add((cluster.Clock.Elapsed, status));
                    }

                    await Task.Delay(50);
                }
            });

            var signalledAt = cluster.Clock.Elapsed;
            var exit = await cluster.StopSiloAsync(victim, StopSignal.Term, DrainTimeout + TimeSpan.FromSeconds(20));
            var exitedAt = signalledAt + exit.TimeToExit;
            await stopPolling.CancelAsync();
            await poller.WaitAsync(TimeSpan.FromSeconds(5));
            report.Add("exit code", exit.ExitCode);
            report.Add("time to exit", exit.TimeToExit);
            (TimeSpan At, int Status)[] seen;
            lock (readiness)
            {
                seen = [.. readiness.Where(r => r.At >= signalledAt)];
            }

            var firstNotReady = seen.FirstOrDefault(r => r.Status == 503);
            report.Add("first 503 after the signal", firstNotReady.Status == 503 ? firstNotReady.At - signalledAt : (TimeSpan?)null);
            report.Add("readiness answers after the signal", seen.GroupBy(r => r.Status).Select(g => $"{g.Key}x{g.Count()}"));

            // Its battles go on elsewhere: snapshots keep coming well after the exit (bounded wait).
            var affected = drained.SelectMany(b => b.Value.Select(bot => (bot, id: b.Key))).ToArray();
            await BotSwarm.WaitUntilAsync(
                () => affected.All(a => a.bot.Journal.Segments.Any(s => s.BattleId == a.id && s.LastSnapshotAt > exitedAt + TimeSpan.FromSeconds(2))
                                        || a.bot.Journal.Ends.Any(e => e.BattleId == a.id)),
                TimeSpan.FromSeconds(20),
                () => "drained battles not ticking after the exit:\n" + Outcomes.Describe(affected.Select(a => Outcomes.Of(a.bot, a.id, signalledAt)), signalledAt));
            var after = await cluster.PlacementAsync();
            report.Add("placement after", after.BattlesPerSilo(3));
            var migrated = await cluster.SumOverSilosAsync(SiloMetricNames.BattlesMigrated) - migratedBefore;
            report.Add("tanks_battles_migrated_total (survivors, during the drain)", migrated);
            report.Add("tanks_battles_resumed_total (survivors)", await cluster.SumOverSilosAsync(SiloMetricNames.BattlesResumed));
            await swarm.StopAsync();

            var fates = affected.Select(a => Outcomes.Of(a.bot, a.id, signalledAt)).ToArray();
            report.Log("drained battles:\n" + Outcomes.Describe(fates, signalledAt));
            var pause = affected.Max(a => a.bot.Journal.Segments.Where(s => s.BattleId == a.id).Max(s => s.MaxGap));
            report.Add("players affected", affected.Length);
            report.Add("pause (worst snapshot gap of a drained battle)", pause);
            report.Add("restarts seen by players (BattleStart again)", affected.Count(a => a.bot.Journal.Segments.Any(s => s.Kind == StartKind.Repeat && s.StartedAt >= signalledAt)));
            var keptGap = keptBots.Length == 0 ? TimeSpan.Zero : keptBots.Max(b => b.Journal.Segments.Max(s => s.MaxGap));
            report.Add("other battles: max snapshot gap", keptGap);
            report.Add("bot errors", swarm.ErrorsByKind());

            Assert.Equal(0, exit.ExitCode);
            Assert.True(exit.TimeToExit <= DrainTimeout, $"exit after {exit.TimeToExit.TotalSeconds:0.0} s, budget {DrainTimeout.TotalSeconds} s");
            Assert.True(firstNotReady.Status == 503, "no 503 from /health/ready before the exit: " + string.Join(", ", seen.Select(r => r.Status)));
            Assert.True(seen.SkipWhile(r => r.Status != 503).All(r => r.Status != 200), "ready again after a 503 during the drain");
            Assert.All(swarm.Bots, b => Assert.DoesNotContain(b.Journal.Ends, e => e.Reason == BattleEndReasonCode.Aborted));
            Assert.Empty(swarm.ErrorsByKind());
            Assert.DoesNotContain(after.Battles, b => battles.ContainsKey(b.Key) && b.Value == victim);
            Assert.True(pause <= MaxPause, $"a drained battle paused {pause.TotalSeconds:0.00} s (bound {MaxPause.TotalSeconds} s)");
            Assert.True(migrated == drained.Count, $"{migrated} battles migrated live, {drained.Count} were on the draining silo (the rest resumed from checkpoints after the exit?)");
            SiloKillTests.SurvivorsUndisturbed(keptBots, signalledAt);
            Assert.True(keptGap <= TimeSpan.FromSeconds(1), $"a battle on another silo paused {keptGap.TotalSeconds:0.00} s during the drain");
        }
        catch (Exception) when (SiloKillTests.Fail(report, cluster))
        {
            throw;
        }
        finally
        {
            report.Write(cluster, swarm);
        }
    }
}
