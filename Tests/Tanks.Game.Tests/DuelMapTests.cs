namespace Tanks.Game.Tests;

public sealed class DuelMapTests
{
    [Fact]
    public void The_duel_map_loads_and_two_aiming_tanks_settle_it_within_a_minute()
    {
        var map = BuiltInMaps.Load("duel");
        var battle = new Battle(new BattleSetup(map, [new PlayerSlot(0, 1, 1), new PlayerSlot(1, 0, 2)], Seed: 7));
        var inputs = new TankInput[2];
        var ticks = 0;
        while (!battle.IsOver && ticks++ < 60 * battle.TickRate)
        {
            for (var i = 0; i < 2; i++)
            {
                var self = battle.Tanks[i];
                var enemy = battle.Tanks[1 - i];
                var yaw = MathF.Atan2(enemy.Y - self.Y, enemy.X - self.X);
                inputs[i] = new TankInput(0, 0, yaw, Fire: true);
            }

            battle.Step(inputs);
        }

        Assert.Equal(120, map.Width);
        Assert.True(battle.IsOver, "no tank was destroyed within 60 s of aimed fire");
        Assert.Equal(BattleEndReason.Destroyed, battle.Result.Reason);
        var winner = battle.Tanks[battle.Result.Winner];
        Assert.Equal(1, winner.Stats.Kills);
    }
}
