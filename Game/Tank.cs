namespace Tanks.Game;

/// <summary>
/// One tank's simulated state. Reusable: a pool hands a <see cref="Tank"/> to a <see cref="Battle"/>, which calls
/// <see cref="Reset"/>; after the battle the pool may take it back (call <see cref="Clear"/> or let the next battle reset it).
/// Position in metres, angles in radians (world frame; the turret angle is absolute, and turns with the hull).
/// </summary>
public sealed class Tank
{
    public int Id { get; private set; } = -1;
    public int Team { get; private set; }
    public int ClassId { get; private set; }
    public long PlayerId { get; private set; }
    public float X { get => Body.X; internal set => Body.X = value; }
    public float Y { get => Body.Y; internal set => Body.Y = value; }
    public float HullAngle { get => Body.HullAngle; internal set => Body.HullAngle = value; }
    public float TurretAngle { get => Body.TurretAngle; internal set => Body.TurretAngle = value; }
    /// <summary>Signed speed along the hull direction (m/s), negative when reversing.</summary>
    public float Speed { get => Body.Speed; internal set => Body.Speed = value; }
    /// <summary>The actual velocity of the last tick (displacement / dt, after collisions).</summary>
    public float VelocityX { get => Body.VelocityX; internal set => Body.VelocityX = value; }
    public float VelocityY { get => Body.VelocityY; internal set => Body.VelocityY = value; }
    public float Radius { get => Body.Radius; private set => Body.Radius = value; }
    public int HitPoints { get; internal set; }
    public int MaxHitPoints { get; private set; }
    public bool IsAlive { get => Body.IsAlive; internal set => Body.IsAlive = value; }
    /// <summary>Ticks until the gun can fire again (0 = loaded).</summary>
    public int ReloadTicksLeft { get; internal set; }
    /// <summary>The tank that destroyed this one, or -1.</summary>
    public int KilledBy { get; internal set; } = -1;
    /// <summary>The tick on which it was destroyed, or 0.</summary>
    public int DestroyedTick { get; internal set; }

    internal TankStats StatsField;

    /// <summary>What controls and movement change (<see cref="TankMotion"/> works on it); the properties above read it.</summary>
    internal TankBody Body;

    public TankStats Stats => StatsField;

    /// <summary>Re-initializes every field for a new battle.</summary>
    public void Reset(int id, int team, int classId, long playerId, float radius, int hitPoints, float x, float y, float hullAngle)
    {
        Id = id;
        Team = team;
        ClassId = classId;
        PlayerId = playerId;
        Radius = radius;
        X = x;
        Y = y;
        HullAngle = GameMath.WrapAngle(hullAngle);
        TurretAngle = HullAngle;
        Speed = 0;
        VelocityX = 0;
        VelocityY = 0;
        HitPoints = hitPoints;
        MaxHitPoints = hitPoints;
        IsAlive = true;
        ReloadTicksLeft = 0;
        KilledBy = -1;
        DestroyedTick = 0;
        StatsField = default;
    }

    /// <summary>Returns the tank to its pristine state (for a pool's return policy).</summary>
    public void Clear() => Reset(-1, 0, 0, 0, 0, 0, 0, 0, 0);
}
