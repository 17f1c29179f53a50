using System.Diagnostics;
using Tanks.Client;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;
using Tanks.Tests.Battles;

namespace Tanks.Tests.Gateway;

/// <summary>
/// The end of a battle in Gateway.Udp: its observer reference outlives the room by a grace period, so frames the battle
/// sent before it saw the unsubscribe do not reach a deleted reference (Orleans logged each as a failure,
/// ClientGrainContext 100924 "Unexpected target grain").
/// </summary>
[Collection(BattleStackCollection.Name)]
public sealed class ObserverGraceTests(BattleStack shared)
{
    [Fact]
    public async Task A_battle_that_ends_leaves_no_unexpected_target_grain_failure_in_the_gateway_log()
    {
        var (a, _) = await shared.NewPlayerAsync();
        var (b, _) = await shared.NewPlayerAsync();
        using var _a = a;
        using var _b = b;
        await a.Game.JoinQueueAsync(TankClassCodes.Medium);
        await b.Game.JoinQueueAsync(TankClassCodes.Medium);
        var start = await a.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        await b.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));

        // Both drive a little, aim at each other and fire until one is destroyed (a duel lasts a few seconds).
        var state = new WorldState();
        var watch = Stopwatch.StartNew();
        while (a.Game.BattleEnds == 0 || b.Game.BattleEnds == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "no battle end within 60 s");
            foreach (var game in new[] { a.Game, b.Game })
            {
                if (game.Battle is { } battle && game.TryCopyLatest(state))
                {
                    var yaw = BattleEndToEndTests.AimAtNearestEnemy(state, battle.TankId, battle.Team);
                    game.SendInput(watch.Elapsed < TimeSpan.FromSeconds(1) ? 0.5f : 0f, 0f, yaw ?? 0f, fire: yaw is not null);
                }
            }

            await Task.Delay(50); // the bots' input rate, not a synchronization
        }

        var closed = $"No longer serving battle {start.BattleId}";
        var output = shared.Udp.Process;
        while (!output.Output.Contains(closed, StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(75), "the gateway did not close the room");
            await Task.Delay(50);
        }

        // Frames in flight at the unsubscribe arrive within milliseconds; this only bounds how long absence is watched.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain("Unexpected target grain", output.Output, StringComparison.Ordinal);
    }
}
