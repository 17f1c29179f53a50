using Tanks.Protocol.Game;

namespace Tanks.Tests.Reliability;

/// <summary>
/// Issue 10, scenario 5: Redis is SIGKILLed for ~10 s while battles end, then restarted from its AOF on the same port and
/// directory. Every registration the gateways acknowledged (before and during the outage) logs in afterwards; every
/// battle that ended meanwhile is counted exactly once in each of its players' stats once Redis is back (read from
/// storage: the account grains are deactivated first), within a bounded wait; the players hear their battle's end
/// when it ends, not when storage is back; no process is restarted.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(16);

    // A battle's end reaches its players whether or not its results could be stored yet (they are retried later):
    // the silo waits at most 1 s for the first settlement pass; 2.1 s measured, 8.6-10.3 s when the end waited for storage.
    private static readonly TimeSpan EndDelayBound = TimeSpan.FromSeconds(4);

    // The results' retry backoff after storage is back: bounded, generous.
    private static readonly TimeSpan ResultsBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Results_of_battles_that_end_while_Redis_is_down_are_stored_exactly_once_when_it_is_back()
    {
        var report = new ScenarioReport("redis-outage");
        await using var cluster = await ReliabilityCluster.StartAsync(new ReliabilityOptions { TimeLimit = $"00:00:{TimeLimit.TotalSeconds:00}" });
        await using var swarm = await BotSwarm.StartAsync(cluster, 6, new BotBehaviour { Requeue = false });
        try
        {
            var battles = await swarm.WaitAllInBattleAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(3, battles.Count);
            var prefix = BotSwarm.NewPrefix();
            await using var registrations = AuthProber.Registrations(cluster, prefix, TimeSpan.FromMilliseconds(500));

            // The fault is timed against the battles' clock: Redis goes down 5 s before their time limit.
            var battleStart = swarm.Bots.Min(b => b.Journal.Current!.StartedAt);
            var killAt = battleStart + TimeLimit - TimeSpan.FromSeconds(5);
            await BotSwarm.WaitUntilAsync(() => cluster.Clock.Elapsed >= killAt, TimeLimit, () => "clock");
            var killedAt = cluster.Clock.Elapsed;
            await cluster.KillRedisAsync();

            // Redis stays down for the outage, and at least until every battle has ended (bounded).
            await BotSwarm.WaitUntilAsync(
                () => cluster.Clock.Elapsed >= killedAt + Outage && swarm.Bots.All(b => b.Journal.Ends.Count > 0),
                Outage + TimeSpan.FromSeconds(15),
                () => "battles did not end during the outage:\n" + swarm.Describe());
            var endedAt = swarm.Bots.Max(b => b.Journal.Ends[0].At);
            await cluster.RestartRedisAsync();
            var restartedAt = cluster.Clock.Elapsed;
            report.Add("outage", restartedAt - killedAt);
            report.Add("battles ended during the outage", swarm.Bots.Count(b => b.Journal.Ends[0].At > killedAt && b.Journal.Ends[0].At < restartedAt) / 2);
            report.Add("end reasons", swarm.Bots.Select(b => b.Journal.Ends[0].Reason.ToString()).GroupBy(r => r).Select(g => $"{g.Key}x{g.Count()}"));

            // A few registrations after the restart too, then stop probing.
            var probesAtRestart = registrations.Probes.Count;
            await BotSwarm.WaitUntilAsync(() => registrations.Probes.Skip(probesAtRestart).Count(p => p.Error is null) >= 3, TimeSpan.FromSeconds(30),
                () => "no registration succeeds after the restart: " + string.Join(", ", registrations.Probes.Skip(probesAtRestart).Select(p => p.Error)));
            await registrations.StopAsync();
            await swarm.StopAsync();
            var probes = registrations.Probes;
            var acknowledged = probes.Where(p => p.Error is null).Select(p => p.Name).ToArray();
            var inOutage = probes.Where(p => p.StartedAt >= killedAt && p.StartedAt < restartedAt).ToArray();
            report.Add("registrations acknowledged", acknowledged.Length);
            report.Add("registrations during the outage: ok / refused", $"{inOutage.Count(p => p.Error is null)} / {inOutage.Count(p => p.Error is not null)}");
            report.Add("registrations during the outage: errors", inOutage.Where(p => p.Error is not null).GroupBy(p => p.Error).Select(g => $"{g.Key}={g.Count()}"));
            report.Add("registrations during the outage: slowest answer", inOutage.Length == 0 ? TimeSpan.Zero : inOutage.Max(p => p.Took));

            // Each bot's ended battles, counted once, as stored: every read deactivates the account grain first, so an
            // increment that lives only in memory does not count (nor does a later write of the account carry it: the
            // players do not log in before this).
            var expected = swarm.Bots.ToDictionary(b => b.Name, b => b.Journal.EndedBattles.Count(e => e.Value != BattleEndReasonCode.Aborted));
            var stored = new Dictionary<string, int>();
            var storedAt = TimeSpan.Zero;
            try
            {
                await BotSwarm.WaitUntilAsync(async () =>
                {
                    foreach (var bot in swarm.Bots.Where(b => stored.GetValueOrDefault(b.Name) < expected[b.Name]))
                    {
                        try
                        {
                            stored[bot.Name] = (await cluster.StoredStatsAsync(bot.Name))?.Battles ?? -1;
                        }
                        catch (Exception ex) when (ex is TimeoutException or OrleansException)
                        {
                        }
                    }

                    storedAt = cluster.Clock.Elapsed;
                    return swarm.Bots.All(b => stored.GetValueOrDefault(b.Name) >= expected[b.Name]);
                }, ResultsBound, () => "results missing: " + string.Join(", ", swarm.Bots.Select(b => $"{b.Name} {stored.GetValueOrDefault(b.Name)}/{expected[b.Name]}")));
                report.Add("results stored after the restart", storedAt - restartedAt);
            }
            finally
            {
                report.Add("results lost", swarm.Bots.Count(b => stored.GetValueOrDefault(b.Name) < expected[b.Name]));
            }

            var failed = await cluster.FailedLoginsAsync(acknowledged.Concat(swarm.Bots.Select(b => b.Name)), TimeSpan.FromSeconds(40));
            report.Add("accounts lost or unavailable (acknowledged, no login within 40 s)", failed);
            var fromStorage = new Dictionary<string, int>();
            foreach (var bot in swarm.Bots)
            {
                fromStorage[bot.Name] = (await cluster.StoredStatsAsync(bot.Name))?.Battles ?? -1;
            }

            report.Add("results doubled", swarm.Bots.Count(b => fromStorage[b.Name] > expected[b.Name]));
            var endDelay = swarm.Bots.Max(b => b.Journal.Ends[0].At - (b.Journal.Segments.Last(s => s.BattleId == b.Journal.Ends[0].BattleId).LastSnapshotAt ?? b.Journal.Ends[0].At));
            report.Add("battle end delay (last snapshot to BattleEnd, worst)", endDelay);
            report.Add("bot errors", swarm.ErrorsByKind());

            Assert.True(endedAt < restartedAt, "the battles ended after Redis was back: the scenario did not happen");
            Assert.All(swarm.Bots, b => Assert.Equal(BattleEndReasonCode.Time, b.Journal.Ends[0].Reason));
            Assert.Empty(failed);
            Assert.True(endDelay <= EndDelayBound,
                $"players heard BattleEnd {endDelay.TotalSeconds:0.0} s after their battle's last snapshot: the end waited for storage (bound {EndDelayBound.TotalSeconds} s)");
            Assert.All(swarm.Bots, b => Assert.True(fromStorage[b.Name] == expected[b.Name],
                $"{b.Name}: {fromStorage[b.Name]} battles stored, {expected[b.Name]} ended"));
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
