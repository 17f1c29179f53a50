using Tanks.Game;

namespace Tanks.Benchmarks;

/// <summary>
/// The busy 7v7 the tick benchmarks run: 14 tanks on crossroads with huge hit points (nobody dies, the battle stays
/// busy), re-steering every 1.5 s and firing at an enemy whenever loaded, from inputs scripted by a dry run so a
/// benchmark measures only the simulation.
/// </summary>
internal static class BusyBattle
{
    public const int Tanks = 14;

    public static BattleSetup Setup(BattleRules? rules = null)
    {
        var players = new PlayerSlot[Tanks];
        for (var i = 0; i < Tanks; i++)
        {
            players[i] = new PlayerSlot(i / 7, i % 3, i);
        }
        var classes = TankClasses.All();
        for (var i = 0; i < classes.Length; i++)
        {
            classes[i] = classes[i] with { HitPoints = 1_000_000 };
        }
        return new BattleSetup(BuiltInMaps.Crossroads, players, 12345) { Classes = classes, Rules = rules ?? BattleRules.Default };
    }

    /// <summary>Fills <paramref name="script"/> with each tick's inputs; returns the dry run's battle (at the script's end).</summary>
    public static Battle Script(BattleSetup setup, TankInput[][] script)
    {
        var dry = new Battle(setup);
        var random = new DeterministicRandom(7);
        var throttle = new float[Tanks];
        var steering = new float[Tanks];
        for (var t = 0; t < script.Length; t++)
        {
            var inputs = script[t] = new TankInput[Tanks];
            for (var i = 0; i < Tanks; i++)
            {
                if ((t + i * 5) % 30 == 0)
                {
                    throttle[i] = (0.4f + 0.6f * random.NextFloat()) * (random.NextFloat() < 0.2f ? -1 : 1);
                    steering[i] = random.NextSigned();
                }
                var me = dry.Tanks[i];
                var enemy = dry.Tanks[(i < 7 ? 7 : 0) + (i + t / 50) % 7];
                var yaw = MathF.Atan2(enemy.Y - me.Y, enemy.X - me.X);
                inputs[i] = new TankInput(throttle[i], steering[i], yaw, true);
            }
            dry.Step(inputs);
        }
        return dry;
    }
}
