using Tanks.Protocol.Snapshots;

namespace Tanks.Client.Game;

/// <summary>A tank between two snapshots, in metres and radians (angles in (-π, π]).</summary>
public readonly record struct InterpolatedTank(
    ushort Id, byte Team, byte ClassId, float X, float Y, float HullAngle, float TurretAngle, ushort HitPoints, bool IsAlive);

/// <summary>A shell extrapolated along its launch record, in metres and radians.</summary>
public readonly record struct InterpolatedShell(uint Id, ushort Owner, float X, float Y, float Angle);

/// <summary>
/// Smooths the snapshot stream for rendering: the client renders at <c>render tick = newest tick − delay</c> (e.g. 2 ticks
/// = 100 ms at 20 Hz, enough to bridge one lost snapshot) and <see cref="SampleTanks"/> interpolates positions and angles
/// (the shorter way round) between the two stored states around that time. Gaps (lost ticks) are bridged by the nearest
/// states on either side; past the newest state it holds the newest. A tank that jumps more than
/// <see cref="SnapDistance"/> or changes alive state snaps instead of sliding. Fixed capacity, no allocation.
/// </summary>
public sealed class InterpolationBuffer
{
    private readonly SnapshotHistory _states;

    public InterpolationBuffer(float tickRate, int capacity = 32)
    {
        if (!(tickRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tickRate));
        }
        TickRate = tickRate;
        _states = new SnapshotHistory(capacity);
    }

    public float TickRate { get; }

    /// <summary>Metres: a tank that moved further than this between two states is drawn at the later position at once.</summary>
    public float SnapDistance { get; set; } = 20f;

    public bool IsEmpty => !_states.HasNewest;

    public uint NewestTick => _states.NewestTick;

    /// <summary>The render tick for a delay in ticks: newest − delay (never before tick 0).</summary>
    public double RenderTick(double delayTicks) => Math.Max(0, _states.NewestTick - delayTicks);

    /// <summary>Copies a decoded state in; states older than the buffer's span behind the newest are ignored.</summary>
    public void Add(WorldState state)
    {
        if (_states.HasNewest && (int)(_states.NewestTick - state.Tick) >= _states.Capacity)
        {
            return;
        }
        _states.Store(state);
    }

    public void Clear() => _states.Clear();

    /// <summary>
    /// Writes the tanks at <paramref name="renderTick"/> (fractional) into <paramref name="output"/>; returns the count
    /// (0 when empty). Tanks come from the earlier state; a tank missing from the later one is held.
    /// </summary>
    public int SampleTanks(double renderTick, Span<InterpolatedTank> output)
    {
        if (!Bracket(renderTick, out var a, out var b, out var t))
        {
            return 0;
        }
        var tanks = a.Tanks;
        var later = b.Tanks;
        var count = Math.Min(tanks.Length, output.Length);
        var j = 0;
        for (var i = 0; i < count; i++)
        {
            ref readonly var ta = ref tanks[i];
            while (j < later.Length && later[j].Id < ta.Id)
            {
                j++;
            }
            var tb = j < later.Length && later[j].Id == ta.Id ? later[j] : ta;
            var f = (float)t;
            var dx = SnapshotQuantizer.Metres(tb.X - ta.X);
            var dy = SnapshotQuantizer.Metres(tb.Y - ta.Y);
            if (ta.IsAlive != tb.IsAlive || dx * dx + dy * dy > SnapDistance * SnapDistance)
            {
                f = f < 0.5f ? 0f : 1f;
            }
            var src = f < 0.5f ? ta : tb;
            output[i] = new InterpolatedTank(
                ta.Id, src.Team, src.ClassId,
                SnapshotQuantizer.Metres(ta.X) + dx * f, SnapshotQuantizer.Metres(ta.Y) + dy * f,
                LerpAngle(ta.HullAngle, tb.HullAngle, f), LerpAngle(ta.TurretAngle, tb.TurretAngle, f), src.HitPoints, src.IsAlive);
        }
        return count;
    }

    /// <summary>Writes the shells alive in the earlier state, extrapolated to <paramref name="renderTick"/> along their launch records.</summary>
    public int SampleShells(double renderTick, Span<InterpolatedShell> output)
    {
        if (!Bracket(renderTick, out var a, out _, out _))
        {
            return 0;
        }
        var shells = a.Shells;
        var count = Math.Min(shells.Length, output.Length);
        for (var i = 0; i < count; i++)
        {
            ref readonly var s = ref shells[i];
            var angle = SnapshotQuantizer.AngleToRadians(s.Angle);
            var distance = s.Speed / 10f * (float)((renderTick - s.SpawnTick) / TickRate);
            output[i] = new InterpolatedShell(
                s.Id, s.Owner, SnapshotQuantizer.Metres(s.X) + MathF.Cos(angle) * distance,
                SnapshotQuantizer.Metres(s.Y) + MathF.Sin(angle) * distance, Wrap(angle));
        }
        return count;
    }

    /// <summary>Finds the stored states at or before (a) and after (b) the render tick; t in [0, 1] between them.</summary>
    private bool Bracket(double renderTick, out WorldState a, out WorldState b, out double t)
    {
        a = b = null!;
        t = 0;
        if (!_states.HasNewest)
        {
            return false;
        }
        var newest = _states.NewestTick;
        var capacity = (uint)_states.Capacity;
        if (renderTick >= newest)
        {
            _states.TryGet(newest, out var n);
            a = b = n!;
            return true;
        }
        var floor = renderTick <= 0 ? 0u : (uint)Math.Floor(renderTick);
        if (newest - floor >= capacity)
        {
            floor = newest - capacity + 1;
        }
        WorldState? before = null, after = null;
        for (var tick = floor; ; tick--)
        {
            if (_states.TryGet(tick, out var s))
            {
                before = s;
                break;
            }
            if (tick == 0 || newest - tick >= capacity - 1)
            {
                break;
            }
        }
        for (var tick = floor + 1; (int)(tick - newest) <= 0; tick++)
        {
            if (_states.TryGet(tick, out var s))
            {
                after = s;
                break;
            }
        }
        if (before is null)
        {
            a = b = after!; // render time older than anything kept: show the oldest we have
            return after is not null;
        }
        a = before;
        b = after ?? before;
        t = ReferenceEquals(a, b) ? 0 : Math.Clamp((renderTick - a.Tick) / (b.Tick - a.Tick), 0, 1);
        return true;
    }

    private static float LerpAngle(ushort a, ushort b, float t)
    {
        var delta = (short)(ushort)(b - a);
        return Wrap(SnapshotQuantizer.AngleToRadians(a) + delta * (2 * MathF.PI / 65536f) * t);
    }

    private static float Wrap(float radians)
    {
        while (radians > MathF.PI)
        {
            radians -= 2 * MathF.PI;
        }
        while (radians <= -MathF.PI)
        {
            radians += 2 * MathF.PI;
        }
        return radians;
    }
}
