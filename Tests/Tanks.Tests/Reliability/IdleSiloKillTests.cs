using Tanks.Protocol.Game;

namespace Tanks.Tests.Reliability;

/// <summary>
/// Issue 10, scenario 2: SIGKILL a silo that hosts no battle and not the registry (arranged: it joins after the battles
/// formed, and accounts registered after it joined put some of their grains on it). Battles on the other silos do not
/// pause (their ticks keep up with the tick rate: the largest fall behind stays under a second of ticks) and get no new
/// start and no abort; after membership declares the silo dead, every login succeeds, its accounts' included.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class IdleSiloKillTests
{
    // Membership learned of the death on one silo; the others and the gateways hear of it a moment later.
    private static readonly TimeSpan AfterDetection = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Killing_a_silo_that_hosts_nothing_disturbs_no_battle_and_no_login_after_detection()
    {
        var report = new ScenarioReport("silo-kill-idle");
        await using var cluster = await ReliabilityCluster.StartAsync(new ReliabilityOptions { InitialSilos = 2, TimeLimit = "00:00:45" });
        await using var swarm = await BotSwarm.StartAsync(cluster, 8, new BotBehaviour { Requeue = false });
        try
        {
            var battles = await swarm.WaitAllInBattleAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(4, battles.Count);
            await cluster.StartSiloAsync(2);
            await cluster.WaitMembershipAsync(TimeSpan.FromSeconds(30));

            // Accounts made now spread their grains over all three silos, the new one included.
            var prefix = BotSwarm.NewPrefix();
            var accounts = Enumerable.Range(0, 12).Select(i => $"{prefix}_{i}").ToArray();
            await using (var registrations = AuthProber.Registrations(cluster, prefix, TimeSpan.Zero))
            {
                await BotSwarm.WaitUntilAsync(() => registrations.Probes.Count >= accounts.Length, TimeSpan.FromSeconds(30), () => "registrations too slow");
                await registrations.StopAsync();
                Assert.All(registrations.Probes.Take(accounts.Length), p => Assert.Null(p.Error));
            }

            var placement = await cluster.PlacementAsync();
            var accountsPerSilo = await cluster.ActivationsPerSiloAsync("UserGrain");
            report.Add("battles per silo", placement.BattlesPerSilo(3));
            report.Add("tanks_battles_running per silo", await cluster.BattlesRunningAsync());
            report.Add("registry silo", placement.Registry);
            report.Add("account grains per silo", accountsPerSilo);
            Assert.Equal(0, placement.BattlesPerSilo(3)[2]);
            Assert.NotEqual(2, placement.Registry);
            Assert.Equal(0.0, (await cluster.SiloMetricsAsync(2))?[SiloMetricNames.BattlesRunning] ?? 0);

            var address = await cluster.SiloAddressAsync(2) ?? throw new InvalidOperationException("silo2 not in membership");
            await using var logins = AuthProber.Logins(cluster, [.. accounts.Concat(swarm.Bots.Select(b => b.Name))], TimeSpan.FromMilliseconds(100));
            var killedAt = cluster.Clock.Elapsed;
            await cluster.StopSiloAsync(2, StopSignal.Kill);
            var deadAt = await cluster.WaitDeclaredDeadAsync(address, TimeSpan.FromSeconds(40));
            var detection = deadAt - killedAt;
            report.Add("detection", detection);

            // Every account logs in after the detection (the prober goes on meanwhile), and the battles played through it all.
            var failedAfter = await cluster.FailedLoginsAsync(accounts, TimeSpan.FromSeconds(60));
            await BotSwarm.WaitUntilAsync(() => logins.Probes.Count(p => p.StartedAt >= deadAt + AfterDetection) >= 20, TimeSpan.FromSeconds(30),
                () => "the login prober stalled");
            await logins.StopAsync();
            await swarm.StopAsync();

            var probes = logins.Probes.Where(p => p.StartedAt >= killedAt).ToArray();
            var during = probes.Where(p => p.StartedAt < deadAt + AfterDetection).ToArray();
            var after = probes.Where(p => p.StartedAt >= deadAt + AfterDetection).ToArray();
            report.Add("logins during detection: ok / failed", $"{during.Count(p => p.Error is null)} / {during.Count(p => p.Error is not null)}");
            report.Add("logins during detection: slowest", during.Length == 0 ? TimeSpan.Zero : during.Max(p => p.Took));
            report.Add("logins during detection: errors", during.Where(p => p.Error is not null).GroupBy(p => p.Error).Select(g => $"{g.Key}={g.Count()}"));
            report.Add("logins after detection: ok / failed", $"{after.Count(p => p.Error is null)} / {after.Count(p => p.Error is not null)}");
            report.Add("logins after detection: slowest", after.Length == 0 ? TimeSpan.Zero : after.Max(p => p.Took));

            var bots = swarm.Bots;
            var lag = bots.Max(b => b.Journal.Segments.Max(s => s.MaxLagTicks));
            var gap = bots.Max(b => b.Journal.Segments.Max(s => s.MaxGap));
            report.Add("battles: max lag (ticks)", lag);
            report.Add("battles: max snapshot gap", gap);
            report.Add("bot errors", swarm.ErrorsByKind());

            Assert.Empty(failedAfter);
            Assert.NotEmpty(after);
            Assert.All(after, p => Assert.True(p.Error is null, $"{p.Name} at {BotJournal.Sec(p.StartedAt)}: {p.Error}"));
            Assert.All(bots, b => Assert.DoesNotContain(b.Journal.Ends, e => e.Reason == BattleEndReasonCode.Aborted));
            Assert.All(bots, b => Assert.DoesNotContain(b.Journal.Segments, s => s.Kind != StartKind.First && s.StartedAt >= killedAt));
            Assert.All(bots, b => Assert.True(b.Journal.Segments[^1].LastSnapshotAt > deadAt, $"{b.Name}: no snapshot after the detection"));
            Assert.True(lag <= 20, $"a battle fell {lag:0.#} ticks behind its tick rate (over 1 s)");
            Assert.True(gap <= TimeSpan.FromSeconds(1), $"a battle paused {gap.TotalSeconds:0.00} s");
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
