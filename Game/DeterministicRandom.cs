using System.Numerics;

namespace Tanks.Game;

/// <summary>
/// PCG32 (XSH-RR, O'Neill 2014): a small seeded generator whose whole state is one <see cref="ulong"/>, so a battle's
/// randomness (spawn jitter, shell dispersion, damage spread) is reproducible from its seed and can be serialized.
/// </summary>
public struct DeterministicRandom
{
    private const ulong Multiplier = 6364136223846793005UL;
    private const ulong Increment = 1442695040888963407UL;
    private ulong _state;

    public DeterministicRandom(ulong seed)
    {
        _state = 0;
        NextUInt();
        _state += seed;
        NextUInt();
    }

    /// <summary>A generator that continues from a <see cref="State"/> read back (a checkpoint).</summary>
    public static DeterministicRandom FromState(ulong state)
    {
        var random = default(DeterministicRandom);
        random._state = state;
        return random;
    }

    /// <summary>The generator's state (for serialization and determinism checks).</summary>
    public readonly ulong State => _state;

    public uint NextUInt()
    {
        var old = _state;
        _state = old * Multiplier + Increment;
        var xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        var rotation = (int)(old >> 59);
        return BitOperations.RotateRight(xorShifted, rotation);
    }

    /// <summary>A float in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt() >> 8) * (1f / 16777216f);

    /// <summary>A float in [-1, 1).</summary>
    public float NextSigned() => NextFloat() * 2f - 1f;
}
