namespace Tanks.Game;

/// <summary>
/// Battle rules. Capture (one neutral base, Blitz "encounter" style): each team has its own progress 0..<see cref="CapturePoints"/>.
/// While a team has alive tanks inside the base and the other team has none, its progress grows by
/// <see cref="CapturePointsPerTankPerSecond"/> per tank, counting at most <see cref="MaxCapturingTanks"/>; with both teams
/// inside it is contested and both pause; with none of its tanks inside it decays by <see cref="CaptureDecayPerSecond"/>.
/// Damage from an enemy to a tank standing in the base resets its team's progress if <see cref="ResetCaptureOnDamage"/>.
/// </summary>
public sealed record BattleRules
{
    public float TimeLimitSeconds { get; init; } = 420f;
    public bool FriendlyFire { get; init; }
    public float CapturePoints { get; init; } = 100f;
    public float CapturePointsPerTankPerSecond { get; init; } = 2.5f;
    public int MaxCapturingTanks { get; init; } = 3;
    public float CaptureDecayPerSecond { get; init; } = 5f;
    public bool ResetCaptureOnDamage { get; init; } = true;
    /// <summary>± metres of random offset added to each spawn slot.</summary>
    public float SpawnJitter { get; init; } = 0.5f;
    public int MaxTeamSize { get; init; } = 7;
    /// <summary>Off: every team sees everything (a training room, an "all" view); no spotting events.</summary>
    public bool Spotting { get; init; } = true;
    /// <summary>An enemy stays visible to a team this long after the last tick a team-mate saw it.</summary>
    public float SpotDecaySeconds { get; init; } = 3f;
    /// <summary>After a shot, a tank's camouflage is its class's firing value for this long.</summary>
    public float FiringCamouflageSeconds { get; init; } = 2f;
    /// <summary>Within this distance camouflage does not help (line of sight still counts).</summary>
    public float ProximitySpotRange { get; init; } = 40f;

    public static readonly BattleRules Default = new();

    public void Validate()
    {
        if (!(TimeLimitSeconds > 0 && TimeLimitSeconds <= 24 * 3600) || !(CapturePoints > 0) || !float.IsFinite(CapturePoints)
            || !(CapturePointsPerTankPerSecond >= 0) || !float.IsFinite(CapturePointsPerTankPerSecond)
            || MaxCapturingTanks < 1 || !(CaptureDecayPerSecond >= 0) || !float.IsFinite(CaptureDecayPerSecond)
            || !(SpawnJitter >= 0 && SpawnJitter <= 10) || MaxTeamSize is < 1 or > 64
            || !(SpotDecaySeconds >= 0 && SpotDecaySeconds <= 60) || !(FiringCamouflageSeconds >= 0 && FiringCamouflageSeconds <= 60)
            || !(ProximitySpotRange >= 0 && ProximitySpotRange <= 2000))
        {
            throw new ArgumentException("battle rules: a value is out of range");
        }
    }
}

/// <summary>One player's tank: team 0 or 1, class id (index into <see cref="BattleSetup.Classes"/>), and an opaque player id carried through.</summary>
public readonly record struct PlayerSlot(int Team, int ClassId, long PlayerId = 0);

/// <summary>Everything that defines a battle. Tank ids are indexes into <see cref="Players"/>.</summary>
public sealed record BattleSetup(MapDefinition Map, PlayerSlot[] Players, ulong Seed)
{
    /// <summary>Simulation ticks per second (1..240); default 20.</summary>
    public int TickRate { get; init; } = 20;
    public BattleRules Rules { get; init; } = BattleRules.Default;
    /// <summary>Tank classes; <see cref="PlayerSlot.ClassId"/> indexes this. Defaults to <see cref="TankClasses.All"/>.</summary>
    public TankClass[] Classes { get; init; } = TankClasses.All();
}
