namespace Tanks.Game;

/// <summary>A shell in flight. Ids grow from 1 within a battle and are never reused, so a snapshot codec can track them.</summary>
public struct Shell
{
    public uint Id { get; internal set; }
    public int Owner { get; internal set; }
    public int Team { get; internal set; }
    public float X { get; internal set; }
    public float Y { get; internal set; }
    /// <summary>Flight direction, radians.</summary>
    public float Angle { get; internal set; }
    public float DirX { get; internal set; }
    public float DirY { get; internal set; }
    public float Speed { get; internal set; }
    /// <summary>Metres it may still travel before it expires.</summary>
    public float RangeLeft { get; internal set; }
    public int Damage { get; internal set; }
    public int FiredTick { get; internal set; }
    /// <summary>Teams that may see this shell (bit t = team t): its own, and any that saw the shooter on the tick it fired.</summary>
    public byte SeenBy { get; internal set; }
}
