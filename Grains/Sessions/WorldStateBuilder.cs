using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Grains.Sessions;

/// <summary>
/// Turns the simulation's state into the quantized <see cref="WorldState"/> gateways delta-encode, and its events into a
/// ready <c>BattleEvents</c> message. Two states alternate so each shell keeps the launch record it got on its first
/// tick (the codec never resends a shell). Allocates only the two arrays a frame carries.
/// </summary>
public sealed class WorldStateBuilder
{
    private readonly byte[] _stateBytes = new byte[WorldState.MaxBinaryBytes];
    private readonly byte[] _eventBytes = new byte[GameProtocol.MaxMessageBytes];
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

    /// <summary>The state of the battle's current tick, quantized.</summary>
    public WorldState Build(Battle battle)
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
                t.VelocityX, t.VelocityY, turn, battle.TickRate));
            _previousHulls[i] = t.HullAngle;
        }

        _hasPrevious = true;

        foreach (var s in battle.Shells)
        {
            _current.TryAddShell(SnapshotQuantizer.Shell(s.Id, s.Owner, s.X, s.Y, s.Angle, s.Speed, WireTick(battle), _previous));
        }

        return _current;
    }

    /// <summary>The quantized state as bytes, for the grain-to-gateway frame.</summary>
    public byte[] StateBytes(Battle battle)
    {
        var length = Build(battle).WriteTo(_stateBytes);
        return _stateBytes.AsSpan(0, length).ToArray();
    }

    /// <summary>This tick's shots, hits, kills and capture changes as one <c>BattleEvents</c> message (empty when none).</summary>
    public byte[] EventBytes(Battle battle)
    {
        var events = battle.Events;
        if (events.IsEmpty)
        {
            return [];
        }

        var writer = new BattleEventsWriter(_eventBytes, (uint)WireTick(battle));
        foreach (var e in events)
        {
            var wire = e.Kind switch
            {
                BattleEventKind.ShotFired => WireEvent.Shot((ushort)e.Tank, e.ShellId),
                BattleEventKind.Hit => WireEvent.Hit(e.ShellId, (ushort)e.Target, (ushort)Math.Clamp(e.Amount, 0, ushort.MaxValue), (ushort)e.Tank),
                BattleEventKind.TankDestroyed => WireEvent.Destroyed((ushort)e.Target, (ushort)Math.Max(e.Tank, 0)),
                BattleEventKind.CaptureProgress => WireEvent.Capture((byte)e.Team, (byte)Math.Clamp(e.Amount, 0, 100)),
                _ => default,
            };
            if (wire.Kind != 0 && !writer.TryAdd(wire))
            {
                break; // more than one message's worth in one tick: the snapshot carries the state anyway
            }
        }

        return writer.Count == 0 ? [] : _eventBytes.AsSpan(0, writer.Finish()).ToArray();
    }
}
