using Tanks.Client;
using Tanks.Protocol.Game;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Battles;

/// <summary>
/// <c>UdpGateway__DeltaSnapshots=false</c>, the baseline of the bandwidth measurement: every snapshot goes in full, and
/// clients decode them as they do deltas.
/// </summary>
public sealed class FullSnapshotModeTests
{
    private const string DeltaBytes = "tanks_udp_snapshot_bytes_total{kind=\"delta\"}";
    private const string FullBytes = "tanks_udp_snapshot_bytes_total{kind=\"full\"}";

    [Fact]
    public async Task A_gateway_told_not_to_delta_sends_every_snapshot_in_full_and_clients_follow_the_battle()
    {
        await using var stack = await TanksStack.StartAsync(siloSettings: new Dictionary<string, string>
        {
            ["Matchmaking__ReducedTeamsAfter"] = "00:00:00",
            ["Matchmaking__AnyTeamsAfter"] = "00:00:00",
            ["Matchmaking__Map"] = "duel",
            ["Matchmaking__Interval"] = "00:00:00.200",
        });
        var udpPort = TanksStack.FreeUdpPort();
        var tcp = await stack.StartTcpGatewayAsync(stack.NetcodeSettings(udpPort));
        var udp = await stack.StartUdpGatewayAsync(new Dictionary<string, string> { ["UdpGateway__DeltaSnapshots"] = "false" }, udpPort);

        using var a = await TanksClient.LoginAndConnectAsync("127.0.0.1", tcp.Port, BattleStack.NewName(), BattleStack.Password, new TanksClientOptions { Register = true });
        using var b = await TanksClient.LoginAndConnectAsync("127.0.0.1", tcp.Port, BattleStack.NewName(), BattleStack.Password, new TanksClientOptions { Register = true });
        await a.Game.JoinQueueAsync(TankClassCodes.Medium);
        await b.Game.JoinQueueAsync(TankClassCodes.Medium);
        await a.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        await b.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));

        // Both keep acknowledging (an Input carries the ack): with deltas on, everything after the first would be a delta.
        var until = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < until)
        {
            a.Game.SendInput(0, 0, 0, false);
            b.Game.SendInput(0, 0, 0, false);
            await Task.Delay(50);
        }

        Assert.True(a.Game.SnapshotsDecoded > 30, $"only {a.Game.SnapshotsDecoded} snapshots decoded");
        Assert.True(b.Game.LatestTick > 30);
        Assert.True(await udp.MetricAsync(FullBytes) > 0);
        Assert.Equal(0, await udp.MetricAsync(DeltaBytes) ?? 0);
    }
}
