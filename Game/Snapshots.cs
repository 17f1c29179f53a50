namespace Tanks.Game;

/// <summary>A tank in the compact world state that the snapshot encoder quantizes.</summary>
public readonly record struct TankSnapshot(
    ushort Id,
    byte Team,
    byte ClassId,
    float X,
    float Y,
    float HullAngle,
    float TurretAngle,
    float VelocityX,
    float VelocityY,
    int HitPoints,
    bool IsAlive,
    int ReloadTicksLeft);

/// <summary>A shell in the compact world state.</summary>
public readonly record struct ShellSnapshot(uint Id, ushort Owner, float X, float Y, float Angle);

/// <summary>The battle-wide part of the world state.</summary>
public readonly record struct BattleStateHeader(
    int Tick,
    int TicksLeft,
    float TimeLeftSeconds,
    float CaptureProgressTeam0,
    float CaptureProgressTeam1,
    int TankCount,
    int ShellCount,
    BattleResult Result);
