namespace Tanks.Game.Tests;

/// <summary>Scripted, seeded pseudo-players: hold a random throttle/steering for a while, aim at an enemy, fire at will.</summary>
internal sealed class Bots(ulong seed, int tanks)
{
    private DeterministicRandom _random = new(seed);
    private readonly float[] _throttle = new float[tanks];
    private readonly float[] _steering = new float[tanks];
    private readonly int[] _target = new int[tanks];

    public void Fill(Battle b, Span<TankInput> inputs)
    {
        var tanks = b.Tanks;
        for (var i = 0; i < inputs.Length; i++)
        {
            if ((b.Tick + i * 7) % 40 == 0)
            {
                _throttle[i] = _random.NextSigned() * 1.2f;
                _steering[i] = _random.NextSigned();
                _target[i] = (int)(_random.NextUInt() % (uint)tanks.Length);
            }
            var target = tanks[_target[i]];
            var yaw = MathF.Atan2(target.Y - tanks[i].Y, target.X - tanks[i].X);
            inputs[i] = new TankInput(_throttle[i], _steering[i], yaw, target.Team != tanks[i].Team);
        }
    }
}
