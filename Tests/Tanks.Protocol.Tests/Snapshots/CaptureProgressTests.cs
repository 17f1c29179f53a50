using Tanks.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>The snapshot header's capture progress and Game's capture events use one rule: whole points, floored.</summary>
public sealed class CaptureProgressTests
{
    [Fact]
    public void Header_and_capture_events_agree_on_every_tick_of_a_captured_battle()
    {
        // Tank 0 drives into the base of the duel map and sits there; at 50 points it backs out (progress decays), then
        // returns and captures. Tank 1 stays at its spawn, outside the base.
        var battle = new Battle(new BattleSetup(BuiltInMaps.Duel, [new PlayerSlot(0, 1, 1), new PlayerSlot(1, 0, 2)], 11));
        var inputs = new TankInput[2];
        var builder = new SnapshotVectors.Builder();
        Span<int> reported = [0, 0];
        var phase = 0; // 0 drive in, 1 back out, 2 drive in again
        var backingTicks = 0;
        int decreases = 0, changes = 0, previous = 0;
        while (!battle.IsOver && battle.Tick < 5_000)
        {
            var me = battle.Tanks[0];
            if (phase == 0 && battle.CaptureProgress(0) >= 50f)
            {
                phase = 1;
            }
            if (phase == 1 && ++backingTicks > 80)
            {
                phase = 2;
            }
            // Steer to y = 60 (the base's centre line) with a little braking; backing out is full reverse.
            var throttle = phase == 1 ? -1f : Math.Clamp((60f - me.Y) * 0.3f - me.Speed * 0.4f, -1f, 1f);
            inputs[0] = new TankInput(throttle, 0f, MathF.PI / 2, false);
            inputs[1] = new TankInput(0f, 0f, -MathF.PI / 2, false);
            battle.Step(inputs);
            foreach (var e in battle.Events)
            {
                if (e.Kind == BattleEventKind.CaptureProgress)
                {
                    reported[e.Team] = e.Amount;
                }
            }
            var header = builder.Build(battle).Header;
            Assert.True(header.Capture0 == reported[0], $"tick {battle.Tick}: header {header.Capture0}, events {reported[0]} ({battle.CaptureProgress(0)})");
            Assert.Equal(reported[1], header.Capture1);
            decreases += header.Capture0 < previous ? 1 : 0;
            changes += header.Capture0 != previous ? 1 : 0;
            previous = header.Capture0;
        }
        Assert.Equal(BattleEndReason.Captured, battle.Result.Reason);
        Assert.Equal(100, previous);
        Assert.True(decreases >= 5, $"{decreases} decreases");
        Assert.True(changes >= 100 + 2 * decreases, $"{changes} changes");
    }
}
