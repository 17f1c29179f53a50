using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Grains.Sessions;

/// <summary>
/// Turns the simulation's state into the quantized <see cref="WorldState"/> gateways delta-encode, and its events into a
/// ready <c>BattleEvents</c> messages. Two states alternate so each shell keeps the launch record it got on its first
/// tick (the codec never resends a shell). Allocates only the two arrays a frame carries.
/// </summary>
public sealed class WorldStateBuilder
{
    private readonly byte[] _stateBytes = new byte[WorldState.MaxBinaryBytes];
    /// <summary>A tick's events beyond one message go on in further messages for the same tick, up to this many.</summary>
    internal const int MaxEventMessages = 8;

    private readonly byte[] _eventBytes = new byte[MaxEventMessages * GameProtocol.MaxMessageBytes];
    private WorldState _current = new();
    private WorldState _previous = new();
    private float[] _previousHulls = [];
    private bool _hasPrevious;

    /// <summary>
    /// Added to every tick on the wire (header, shell launch ticks, events): a battle resumed from an older checkpoint
    /// carries on above every tick its lost activation may have sent, so clients' and gateways' baselines never collide.
    /// </summary>
    public int TickOffset { get; set; }

    private int WireTick(Battle battle) => battle.Tick + TickOffset;

    /// <summary>
    /// The state of the battle's current tick, quantized. <paramref name="lastInputs"/>[tank id]: the sequence of the newest
    /// input applied to that tank (0 = none; a shorter span means none for the rest).
    /// </summary>
    public WorldState Build(Battle battle, ReadOnlySpan<uint> lastInputs = default)
    {
        (_previous, _current) = (_current, _previous);
        var result = battle.Result;
        _current.Clear(SnapshotQuantizer.Header(
            WireTick(battle), battle.TicksLeft, battle.CaptureProgress(0), battle.CaptureProgress(1),
            result.IsOver ? result.Winner : -1, result.IsOver ? (int)result.Reason : 0));
        var tanks = battle.Tanks;
        if (_previousHulls.Length != tanks.Length)
        {
            _previousHulls = new float[tanks.Length];
            _hasPrevious = false;
        }

        for (var i = 0; i < tanks.Length; i++)
        {
            var t = tanks[i];
            // Speed and turn rate let the codec predict the next tick, so a tank on a steady course costs a bit or so.
            var turn = _hasPrevious ? GameMath.WrapAngle(t.HullAngle - _previousHulls[i]) * battle.TickRate : 0f;
            _current.TryAddTank(SnapshotQuantizer.Tank(
                t.Id, t.Team, t.ClassId, t.X, t.Y, t.HullAngle, t.TurretAngle, t.HitPoints, t.IsAlive, t.ReloadTicksLeft,
                t.VelocityX, t.VelocityY, turn, battle.TickRate), i < lastInputs.Length ? lastInputs[i] : 0, battle.VisibleTo(i));
            _previousHulls[i] = t.HullAngle;
        }

        _hasPrevious = true;

        foreach (var s in battle.Shells)
        {
            _current.TryAddShell(SnapshotQuantizer.Shell(s.Id, s.Owner, s.X, s.Y, s.Angle, s.Speed, WireTick(battle), _previous), s.SeenBy);
        }

        return _current;
    }

    /// <summary>The quantized state as bytes, for the grain-to-gateway frame.</summary>
    public byte[] StateBytes(Battle battle, ReadOnlySpan<uint> lastInputs = default)
    {
        var length = Build(battle, lastInputs).WriteTo(_stateBytes);
        return _stateBytes.AsSpan(0, length).ToArray();
    }

    /// <summary>
    /// This tick's shots (with the shell's launch record), hits (with the impact point), shell stops, kills and capture
    /// changes as <c>BattleEvents</c> messages back to back (empty when none): one message as a rule; a tick with more than
    /// one message's worth (255 events or 1200 bytes) goes on in further messages of the same tick, up to
    /// <see cref="MaxEventMessages"/> (far beyond the worst tick of 64 tanks); events past those are dropped, and the
    /// snapshot carries the state anyway.
    /// </summary>
    public byte[] EventBytes(Battle battle) => EventBytes(battle, -1);

    /// <summary>
    /// As <see cref="EventBytes(Battle)"/>, only the events team <paramref name="team"/> may learn of
    /// (<see cref="BattleEvent.SeenBy"/>; -1: all). A tick with none for the team gives an empty array.
    /// </summary>
    public byte[] EventBytes(Battle battle, int team)
    {
        var events = battle.Events;
        if (events.IsEmpty)
        {
            return [];
        }

        var tick = (uint)WireTick(battle);
        var classes = battle.Setup.Classes;
        var tanks = battle.Tanks;
        var start = 0;
        var writer = new BattleEventsWriter(_eventBytes.AsSpan(start, GameProtocol.MaxMessageBytes), tick);
        foreach (var e in events)
        {
            if (team >= 0 && (e.SeenBy >> team & 1) == 0)
            {
                continue;
            }

            var wire = e.Kind switch
            {
                BattleEventKind.ShotFired => WireEvent.Shot(
                    (ushort)e.Tank, e.ShellId, SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y), SnapshotQuantizer.Angle(e.Angle),
                    SnapshotQuantizer.Speed(ShellSpeed(classes, tanks, e.Tank))),
                BattleEventKind.Hit => WireEvent.Hit(
                    e.ShellId, (ushort)e.Target, (ushort)Math.Clamp(e.Amount, 0, ushort.MaxValue), (ushort)e.Tank,
                    SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y)),
                BattleEventKind.ShellStopped => WireEvent.ShellStopped(
                    e.ShellId, (ushort)Math.Max(e.Tank, 0), SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y), StopCode(e.Amount)),
                BattleEventKind.TankDestroyed => WireEvent.Destroyed((ushort)e.Target, (ushort)Math.Max(e.Tank, 0)),
                BattleEventKind.CaptureProgress => WireEvent.Capture((byte)e.Team, (byte)Math.Clamp(e.Amount, 0, 100)),
                BattleEventKind.Spotted => WireEvent.Spotting(
                    WireEventKind.Spotted, (ushort)e.Tank, e.Target < 0 ? ushort.MaxValue : (ushort)e.Target, (byte)e.Team,
                    SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y)),
                BattleEventKind.Lost => WireEvent.Spotting(
                    WireEventKind.Lost, (ushort)e.Tank, ushort.MaxValue, (byte)e.Team,
                    SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y)),
                _ => default,
            };
            if (wire.Kind == 0 || writer.TryAdd(wire))
            {
                continue;
            }

            // This message is full: the next one of the same tick starts right behind it.
            start += writer.Finish();
            if (start + GameProtocol.MaxMessageBytes > _eventBytes.Length)
            {
                writer = default; // the rest of this tick's events are dropped (the messages so far stay)
                break;
            }

            writer = new BattleEventsWriter(_eventBytes.AsSpan(start, GameProtocol.MaxMessageBytes), tick);
            writer.TryAdd(wire);
        }

        var length = start + (writer.Count > 0 ? writer.Finish() : 0);
        return length == 0 ? [] : _eventBytes.AsSpan(0, length).ToArray();
    }

    private static float ShellSpeed(TankClass[] classes, ReadOnlySpan<Tank> tanks, int tank) =>
        (uint)tank < (uint)tanks.Length && (uint)tanks[tank].ClassId < (uint)classes.Length ? classes[tanks[tank].ClassId].ShellSpeed : 0f;

    private static ShellStopCode StopCode(int reason) => (ShellStopReason)reason switch
    {
        ShellStopReason.Obstacle => ShellStopCode.Obstacle,
        ShellStopReason.MapEdge => ShellStopCode.MapEdge,
        _ => ShellStopCode.Range,
    };
}
