namespace Tanks.Game.Tests;

/// <summary>
/// The extracted motion step (<see cref="TankMotion"/> on a <see cref="MotionWorld"/>, what a client predicts with) and
/// <see cref="Battle.Step"/> agree bit for bit: a shadow copy of every tank's body, stepped with the same inputs through
/// <see cref="TankMotion"/> alone, equals the battle's tanks after every tick.
/// </summary>
public class TankMotionTests
{
    [Theory]
    [InlineData(20, 1ul)]
    [InlineData(20, 2ul)]
    [InlineData(5, 3ul)] // 16 m/s at 5 Hz: 3 sub-steps per tick
    public void Extracted_motion_agrees_exactly_with_Battle_on_crossroads(int tickRate, ulong seed)
    {
        var players = new PlayerSlot[14];
        for (var i = 0; i < players.Length; i++)
        {
            players[i] = new PlayerSlot(i % 2, i % 3, i);
        }
        var setup = new BattleSetup(BuiltInMaps.Crossroads, players, seed) { TickRate = tickRate };
        var battle = new Battle(setup);
        var world = new MotionWorld(setup.Map);
        var stats = Array.ConvertAll(setup.Classes, c => new TankMotionStats(c));
        var minRadius = players.Min(p => setup.Classes[p.ClassId].Radius);
        var bots = new Bots(seed, players.Length);
        var inputs = new TankInput[players.Length];
        var shadow = new TankBody[players.Length];
        var startX = new float[players.Length];
        var startY = new float[players.Length];
        var blocked = new bool[players.Length];
        var compared = 0;
        var collided = 0;

        for (var tick = 0; tick < 2000 && !battle.IsOver; tick++)
        {
            bots.Fill(battle, inputs);
            var tanks = battle.Tanks;
            for (var i = 0; i < shadow.Length; i++)
            {
                shadow[i] = BodyOf(tanks[i]);
                if (shadow[i].IsAlive)
                {
                    TankMotion.ApplyControls(ref shadow[i], in stats[tanks[i].ClassId], inputs[i].Sanitized(), battle.Dt);
                }
            }
            var bodies = new TankBodyArray(shadow, shadow.Length);
            TankMotion.Move(world, bodies, battle.Dt, TankMotion.SubSteps(bodies, battle.Dt, minRadius), startX, startY, blocked);
            collided += blocked.Count(b => b);

            battle.Step(inputs);
            for (var i = 0; i < shadow.Length; i++)
            {
                var t = battle.Tanks[i];
                Assert.Equal(Bits(shadow[i].X), Bits(t.X));
                Assert.Equal(Bits(shadow[i].Y), Bits(t.Y));
                Assert.Equal(Bits(shadow[i].HullAngle), Bits(t.HullAngle));
                Assert.Equal(Bits(shadow[i].TurretAngle), Bits(t.TurretAngle));
                if (t.IsAlive && !battle.IsOver)
                {
                    // A tank killed this tick (or every tank at the end) is stopped by the battle after moving.
                    Assert.Equal(Bits(shadow[i].Speed), Bits(t.Speed));
                    Assert.Equal(Bits(shadow[i].VelocityX), Bits(t.VelocityX));
                    Assert.Equal(Bits(shadow[i].VelocityY), Bits(t.VelocityY));
                }
                compared++;
            }
        }
        Assert.True(compared > 10_000, $"{compared} tank-ticks compared");
        Assert.True(collided > 100, $"only {collided} blocked moves: the run must exercise collisions");
    }

    private static TankBody BodyOf(Tank t) => new()
    {
        X = t.X, Y = t.Y, HullAngle = t.HullAngle, TurretAngle = t.TurretAngle, Speed = t.Speed,
        VelocityX = t.VelocityX, VelocityY = t.VelocityY, Radius = t.Radius, IsAlive = t.IsAlive,
    };

    private static int Bits(float f) => BitConverter.SingleToInt32Bits(f);
}
