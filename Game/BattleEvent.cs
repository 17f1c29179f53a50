namespace Tanks.Game;

public enum BattleEventKind : byte
{
    /// <summary><see cref="BattleEvent.Tank"/> fired <see cref="BattleEvent.ShellId"/> from (X, Y) (the muzzle, before the
    /// shell's first segment) along <see cref="BattleEvent.Angle"/> (radians, dispersion included); Amount = 0.</summary>
    ShotFired,
    /// <summary>A shell of <see cref="BattleEvent.Tank"/> hit <see cref="BattleEvent.Target"/> at (X, Y) for Amount HP
    /// (0 for a wreck or a team-mate with friendly fire off).</summary>
    Hit,
    /// <summary>A shell stopped without hitting a tank at (X, Y); Amount = <see cref="ShellStopReason"/>.</summary>
    ShellStopped,
    /// <summary><see cref="BattleEvent.Target"/> was destroyed by <see cref="BattleEvent.Tank"/>.</summary>
    TankDestroyed,
    /// <summary><see cref="BattleEvent.Team"/>'s capture progress changed to Amount whole points.</summary>
    CaptureProgress,
    /// <summary>The battle ended: Team = winner (-1 = draw), Amount = <see cref="BattleEndReason"/>.</summary>
    BattleEnded,
    /// <summary><see cref="BattleEvent.Team"/> now sees enemy <see cref="BattleEvent.Tank"/> at (X, Y), first spotted by
    /// <see cref="BattleEvent.Target"/>.</summary>
    Spotted,
    /// <summary><see cref="BattleEvent.Team"/> lost sight of enemy <see cref="BattleEvent.Tank"/>; (X, Y) is where it was
    /// last seen.</summary>
    Lost,
}

public enum ShellStopReason
{
    Obstacle = 1,
    MapEdge = 2,
    RangeExhausted = 3,
}

/// <summary>
/// Something that happened during the last tick (see <see cref="BattleEventKind"/> for what each field means).
/// <see cref="SeenBy"/>: the teams that may learn of it (bit t = team t) without learning where an enemy they do not see
/// is: a shot by its team and by teams that see the shooter, a hit by teams that see the target, a shell's stop by the
/// teams that see the shell; kills, capture, the end and spotting changes by both.
/// </summary>
public readonly record struct BattleEvent(
    BattleEventKind Kind,
    int Tick,
    int Tank,
    int Target,
    int Team,
    uint ShellId,
    int Amount,
    float X,
    float Y,
    float Angle = 0f,
    byte SeenBy = 0b11);

public enum BattleEndReason
{
    /// <summary>Still running.</summary>
    None,
    /// <summary>Every tank of the other team was destroyed (both teams at once: a draw).</summary>
    Destroyed,
    /// <summary>The winner captured the base.</summary>
    Captured,
    /// <summary>The time limit passed: a draw.</summary>
    Time,
}

/// <summary>The outcome: <see cref="Winner"/> is team 0 or 1, or -1 for a draw (or while running).</summary>
public readonly record struct BattleResult(int Winner, BattleEndReason Reason, int Tick)
{
    public bool IsOver => Reason != BattleEndReason.None;
    public bool IsDraw => IsOver && Winner < 0;
}
