using Tanks.Protocol.Game;

namespace Tanks.Tests.Reliability;

/// <summary>
/// Issue 10, scenario 6: SIGKILL one of the two Gateway.Udp instances. Its players time out (netcode timeout, 3 s here),
/// refresh through the Gateway.Tcp whose tokens name the other instance first, connect there, queue, get the same
/// battle's start again and snapshots, within the netcode timeout + 2 s of the kill. Players on the other instance notice
/// nothing.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class UdpGatewayKillTests
{
    private const int NetcodeTimeoutSeconds = 3;

    [Fact]
    public async Task Players_of_a_killed_udp_gateway_are_back_in_their_battle_through_the_other_within_the_timeout_plus_2_s()
    {
        var report = new ScenarioReport("udp-gateway-kill");
        await using var cluster = await ReliabilityCluster.StartAsync(new ReliabilityOptions { NetcodeTimeoutSeconds = NetcodeTimeoutSeconds, TimeLimit = "00:00:40" });
        await using var swarm = await BotSwarm.StartAsync(cluster, 8, new BotBehaviour { Requeue = false });
        try
        {
            var battles = await swarm.WaitAllInBattleAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(4, battles.Count);
            var victim = cluster.UdpGateways[0];
            var affected = swarm.Bots.Where(b => b.UdpPort == victim.Port).Select(b => (bot: b, id: b.BattleId!.Value)).ToArray();
            var others = swarm.Bots.Where(b => b.UdpPort != victim.Port).ToArray();
            report.Add("players affected", affected.Length);
            Assert.Equal(4, affected.Length);

            var killedAt = cluster.Clock.Elapsed;
            await cluster.KillUdpGatewayAsync(0);
            Outcome[] Fates() => [.. affected.Select(a => Outcomes.Of(a.bot, a.id, killedAt))];
            await BotSwarm.WaitUntilAsync(() => Fates().All(o => o.Fate == Fate.Resumed), TimeSpan.FromSeconds(NetcodeTimeoutSeconds + 15),
                () => "players not back:\n" + Outcomes.Describe(Fates(), killedAt));
            var fates = Fates();
            report.Log("players of the killed gateway:\n" + Outcomes.Describe(fates, killedAt));
            await swarm.StopAsync();

            var back = fates.Max(o => o.BackAt!.Value - killedAt);
            var noticed = affected.Max(a => a.bot.Journal.Reconnects.First(r => r.LostAt >= killedAt).LostAt - killedAt);
            report.Add("detection (kill to netcode timeout, worst player)", noticed);
            report.Add("back in battle (kill to first snapshot, worst player)", back);
            report.Add("reconnect (timeout to connected, worst player)", affected.Max(a => a.bot.Journal.Reconnects.First(r => r.LostAt >= killedAt) is { DoneAt: { } d } r ? d - r.LostAt : TimeSpan.MaxValue));
            var othersLag = others.Max(b => b.Journal.Segments.Max(s => s.MaxLagTicks));
            report.Add("other gateway's players: max lag (ticks)", othersLag);
            var othersGap = others.Max(b => b.Journal.Segments.Max(s => s.MaxGap));
            report.Add("other gateway's players: max snapshot gap", othersGap);
            report.Add("bot errors", swarm.ErrorsByKind());

            Assert.All(fates, o => Assert.True(o.BackAt!.Value - killedAt <= TimeSpan.FromSeconds(NetcodeTimeoutSeconds + 2),
                $"{o.Bot.Name}: back after {(o.BackAt.Value - killedAt).TotalSeconds:0.00} s, bound {NetcodeTimeoutSeconds + 2} s"));
            Assert.All(affected, a => Assert.Equal(cluster.UdpGateways[1].Port, a.bot.UdpPort));
            Assert.All(others, b => Assert.Empty(b.Journal.Reconnects));
            Assert.All(swarm.Bots, b => Assert.DoesNotContain(b.Journal.Ends, e => e.Reason == BattleEndReasonCode.Aborted));
            Assert.True(othersLag <= 20, $"a player on the other gateway fell {othersLag:0.#} ticks behind (over 1 s)");
            Assert.True(othersGap <= TimeSpan.FromSeconds(1), $"a player on the other gateway waited {othersGap.TotalSeconds:0.00} s for a snapshot");
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
