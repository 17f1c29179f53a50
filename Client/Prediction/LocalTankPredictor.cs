using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Client.Prediction;

/// <summary>
/// Client-side prediction and reconciliation of the player's own tank with the server's own motion code
/// (<see cref="TankMotion"/> on a <see cref="MotionWorld"/>). Per input the client sends, <see cref="Predict(uint, in TankInput)"/>
/// advances the predicted tank one tick and keeps the input (a bounded ring, by sequence). Per decoded snapshot,
/// <see cref="Reconcile"/> takes the server's tank at that tick, drops the inputs the server has applied (≤ the snapshot's
/// "last input applied"), replays the rest on top of it (other tanks standing where the snapshot shows them), and turns
/// the difference to the old prediction into a render offset that decays (<see cref="Update"/>), so the drawn tank glides
/// instead of jumping. Not thread-safe; no allocation after construction. docs/client-prediction.md describes the algorithm.
/// </summary>
public sealed class LocalTankPredictor
{
    /// <summary>Inputs kept by default: 6.4 s at 20 Hz, far beyond any round trip a game survives.</summary>
    public const int DefaultInputCapacity = 128;

    /// <summary>Ticks of first predictions kept (<see cref="TryGetFirstPrediction"/>): 12.8 s at 20 Hz.</summary>
    public const int PredictionHistoryCapacity = 256;

    private readonly MotionWorld _world;
    private readonly TankMotionStats[] _stats;
    private readonly float _smallestRadius;
    private readonly uint[] _sequences;
    private readonly TankInput[] _inputs;
    // Index 0: the local tank; 1..: the others as the last snapshot shows them (speed 0: obstacles that stay put).
    private readonly TankBody[] _bodies = new TankBody[SnapshotLimits.MaxTanks];
    private readonly float[] _startX = new float[SnapshotLimits.MaxTanks];
    private readonly float[] _startY = new float[SnapshotLimits.MaxTanks];
    private readonly bool[] _blocked = new bool[SnapshotLimits.MaxTanks];
    private int _bodyCount;
    private int _classId;
    private float _minRadius;
    private int _otherSubSteps;
    private bool _frozen;
    private int _first;
    private int _count;
    private bool _hasSequence;
    private uint _newestSequence;
    private TankPose _predicted;
    private TankPose _previous;
    private float _offsetX;
    private float _offsetY;
    private float _offsetHull;
    private float _offsetTurret;
    private TankPose _server;
    // The first prediction made for each server tick, by tick mod capacity (to measure predictions against snapshots).
    private readonly PredictionRecord[] _history = new PredictionRecord[PredictionHistoryCapacity];

    /// <param name="map">The battle's map: the received definition's (<c>BattleStartInfo.Definition.ToMap()</c>), so
    /// the client collides with exactly what the server does.</param>
    /// <param name="classes">The tank classes, index = class id as in the snapshot (<c>Definition.ToTankClasses()</c>).</param>
    /// <param name="tickRate">The battle's ticks per second (<c>BattleStart.TickRate</c>).</param>
    /// <param name="localTankId">Your tank's id (<c>BattleStart.TankId</c>).</param>
    /// <param name="inputCapacity">Unacknowledged inputs kept; the oldest is dropped beyond it.</param>
    public LocalTankPredictor(MapDefinition map, TankClass[] classes, int tickRate, ushort localTankId, int inputCapacity = DefaultInputCapacity)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Length == 0)
        {
            throw new ArgumentException("at least one tank class is required", nameof(classes));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(tickRate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tickRate, 240);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputCapacity, 1);
        _world = new MotionWorld(map);
        Map = map;
        Classes = Array.AsReadOnly((TankClass[])classes.Clone());
        _stats = new TankMotionStats[classes.Length];
        _smallestRadius = float.MaxValue;
        for (var i = 0; i < classes.Length; i++)
        {
            _stats[i] = new TankMotionStats(classes[i]);
            _smallestRadius = MathF.Min(_smallestRadius, classes[i].Radius);
        }
        _sequences = new uint[inputCapacity];
        _inputs = new TankInput[inputCapacity];
        TickRate = tickRate;
        Dt = 1f / tickRate;
        LocalTankId = localTankId;
    }

    public int TickRate { get; }

    /// <summary>Seconds per tick.</summary>
    public float Dt { get; }

    public ushort LocalTankId { get; }

    /// <summary>The map the motion runs on (as passed in).</summary>
    public MapDefinition Map { get; }

    /// <summary>The class table the motion runs with (index = class id).</summary>
    public IReadOnlyList<TankClass> Classes { get; }

    /// <summary>The server's local tank at <see cref="ServerTick"/> (dequantized), the base of the replay.</summary>
    public TankPose Server => _server;

    /// <summary>The newest input sequence passed to <see cref="Predict(uint, in TankInput)"/> (0 before one).</summary>
    public uint NewestSequence => _newestSequence;

    /// <summary>Seconds over which a correction decays to 1/e (exponential smoothing of the render offset); 0 snaps.</summary>
    public float SmoothingTimeConstant { get; set; } = 0.1f;

    /// <summary>Metres: a correction larger than this is not smoothed but shown at once (a respawn, a long stall).</summary>
    public float SnapDistance { get; set; } = 4f;

    /// <summary>True once a snapshot with the local tank was reconciled; before that nothing is predicted.</summary>
    public bool HasState { get; private set; }

    /// <summary>The tick of the newest reconciled snapshot.</summary>
    public uint ServerTick { get; private set; }

    /// <summary>The "last input applied" of the newest reconciled snapshot.</summary>
    public uint LastAppliedInput { get; private set; }

    /// <summary>The server tick <see cref="Predicted"/> stands for: the snapshot's tick plus one per pending input.</summary>
    public uint PredictedTick => ServerTick + (uint)_count;

    /// <summary>Inputs sent but not yet applied by the server as far as the snapshots say.</summary>
    public int PendingInputs => _count;

    /// <summary>False when the server says the local tank is destroyed or the battle is over: nothing moves then.</summary>
    public bool IsAlive => HasState && !_frozen;

    /// <summary>The predicted tank after every input sent so far (the server's state replayed with the pending inputs).</summary>
    public TankPose Predicted => _predicted;

    /// <summary>The predicted tank one input earlier (to draw between ticks: see <see cref="RenderedAt"/>).</summary>
    public TankPose PreviousPredicted => _previous;

    /// <summary>What to draw: <see cref="Predicted"/> plus the decaying correction offset.</summary>
    public TankPose Rendered => Offset(_predicted);

    /// <summary>The correction still being smoothed away, in metres.</summary>
    public float CorrectionOffset => MathF.Sqrt(_offsetX * _offsetX + _offsetY * _offsetY);

    /// <summary>Snapshots reconciled.</summary>
    public int Reconciliations { get; private set; }

    /// <summary>Corrections shown at once (larger than <see cref="SnapDistance"/>) instead of smoothed.</summary>
    public int Snaps { get; private set; }

    /// <summary>The last misprediction (m): how far the replayed prediction moved from the one before the snapshot.</summary>
    public float LastCorrection { get; private set; }

    /// <summary>Inputs dropped from a full ring before the server acknowledged them.</summary>
    public int InputsOverflowed { get; private set; }

    /// <summary>
    /// Predicts one tick with the input the client has just sent. Pass the values exactly as the server will decode them
    /// (<see cref="FromWire"/>, or the <see cref="Predict(in InputMessage)"/> overload). Sequences must increase; an
    /// older or repeated one is ignored. Returns false when nothing was predicted (no snapshot yet, or not alive); the
    /// input is kept for the replay either way.
    /// </summary>
    public bool Predict(uint sequence, in TankInput input)
    {
        if (_hasSequence && (int)(sequence - _newestSequence) <= 0)
        {
            return false;
        }
        _hasSequence = true;
        _newestSequence = sequence;
        if (HasState && (int)(sequence - LastAppliedInput) <= 0)
        {
            return false; // the server has applied it already (cannot happen with a sane sequence counter)
        }
        if (_count == _inputs.Length)
        {
            _first = (_first + 1) % _inputs.Length;
            _count--;
            InputsOverflowed++;
        }
        var slot = (_first + _count) % _inputs.Length;
        _sequences[slot] = sequence;
        _inputs[slot] = input.Sanitized();
        _count++;
        if (!HasState)
        {
            return false;
        }
        _previous = _predicted;
        StepLocal(in _inputs[slot]);
        _predicted = PoseOf(in _bodies[0]);
        if (!_frozen)
        {
            Remember(sequence);
        }
        return !_frozen;
    }

    /// <summary>
    /// The first prediction made for server tick <paramref name="tick"/> (what the client showed for it before any
    /// snapshot of that tick), if still held (the last <see cref="PredictionHistoryCapacity"/> ticks).
    /// </summary>
    public bool TryGetFirstPrediction(uint tick, out PredictionRecord record)
    {
        record = _history[tick % (uint)_history.Length];
        return record.IsSet && record.Tick == tick;
    }

    private void Remember(uint sequence)
    {
        var tick = PredictedTick;
        ref var slot = ref _history[tick % (uint)_history.Length];
        if (slot.IsSet && slot.Tick == tick)
        {
            return; // predicted again after a correction: keep the first
        }
        slot = new PredictionRecord(tick, sequence, ServerTick, LastAppliedInput, _predicted, true);
    }

    /// <summary>Predicts with an <c>Input</c> message as sent: its sequence and its quantized controls.</summary>
    public bool Predict(in InputMessage message) => Predict(message.Sequence, FromWire(message));

    /// <summary>The controls the server applies for an <c>Input</c> message (throttle and steering /127, yaw from u16).</summary>
    public static TankInput FromWire(in InputMessage message) =>
        new(message.ThrottleValue, message.SteeringValue, message.TurretYawRadians, message.Fire);

    /// <summary>
    /// Reconciles with a decoded snapshot: <paramref name="lastAppliedInput"/> is the snapshot's "last input applied"
    /// (its tick reflects every input up to that sequence, one input per tick). Snapshots not newer than the last one
    /// reconciled, or without the local tank, are ignored (returns false).
    /// </summary>
    public bool Reconcile(WorldState state, uint lastAppliedInput)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (HasState && (int)(state.Tick - ServerTick) <= 0)
        {
            return false;
        }
        if (!LoadBodies(state))
        {
            return false;
        }
        if (HasState && (int)(lastAppliedInput - LastAppliedInput) < 0)
        {
            lastAppliedInput = LastAppliedInput; // never un-acknowledge (a confused server): keep the newer ack
        }
        while (_count > 0 && (int)(_sequences[_first] - lastAppliedInput) <= 0)
        {
            _first = (_first + 1) % _inputs.Length;
            _count--;
        }

        var hadState = HasState;
        var oldPredicted = _predicted;
        var before = Offset(_predicted);
        HasState = true;
        ServerTick = state.Tick;
        LastAppliedInput = lastAppliedInput;
        _frozen = !_bodies[0].IsAlive || state.Header.EndReason != 0;
        _predicted = _previous = _server = PoseOf(in _bodies[0]);
        for (var i = 0; i < _count; i++)
        {
            _previous = _predicted;
            StepLocal(in _inputs[(_first + i) % _inputs.Length]);
            _predicted = PoseOf(in _bodies[0]);
        }
        Reconciliations++;

        // Keep drawing where the tank was drawn; the offset then decays toward the corrected prediction.
        if (hadState && !_frozen)
        {
            _offsetX = before.X - _predicted.X;
            _offsetY = before.Y - _predicted.Y;
            _offsetHull = GameMath.AngleDelta(_predicted.HullAngle, before.HullAngle);
            _offsetTurret = GameMath.AngleDelta(_predicted.TurretAngle, before.TurretAngle);
            LastCorrection = oldPredicted.DistanceTo(in _predicted);
            if (CorrectionOffset > SnapDistance || SmoothingTimeConstant <= 0)
            {
                ClearOffset();
                Snaps++;
            }
        }
        else
        {
            LastCorrection = 0;
            ClearOffset();
        }
        return true;
    }

    /// <summary>Lets <paramref name="elapsedSeconds"/> of render time pass: the correction offset decays exponentially.</summary>
    public void Update(float elapsedSeconds)
    {
        if (!(elapsedSeconds > 0))
        {
            return;
        }
        if (SmoothingTimeConstant <= 0)
        {
            ClearOffset();
            return;
        }
        var keep = MathF.Exp(-elapsedSeconds / SmoothingTimeConstant);
        _offsetX *= keep;
        _offsetY *= keep;
        _offsetHull *= keep;
        _offsetTurret *= keep;
    }

    /// <summary>
    /// What to draw <paramref name="tickFraction"/> (0..1) of the way from <see cref="PreviousPredicted"/> to
    /// <see cref="Predicted"/> (a frame between two ticks), plus the correction offset.
    /// </summary>
    public TankPose RenderedAt(float tickFraction)
    {
        var f = Math.Clamp(tickFraction, 0f, 1f);
        var a = _previous;
        var b = _predicted;
        return Offset(new TankPose(
            a.X + (b.X - a.X) * f, a.Y + (b.Y - a.Y) * f,
            GameMath.WrapAngle(a.HullAngle + GameMath.AngleDelta(a.HullAngle, b.HullAngle) * f),
            GameMath.WrapAngle(a.TurretAngle + GameMath.AngleDelta(a.TurretAngle, b.TurretAngle) * f),
            a.Speed + (b.Speed - a.Speed) * f));
    }

    /// <summary>Forgets everything (a new battle: ticks and sequences start over).</summary>
    public void Reset()
    {
        HasState = false;
        ServerTick = 0;
        LastAppliedInput = 0;
        _hasSequence = false;
        _newestSequence = 0;
        _first = 0;
        _count = 0;
        _bodyCount = 0;
        _frozen = false;
        _predicted = _previous = _server = default;
        Array.Clear(_history);
        Reconciliations = Snaps = InputsOverflowed = 0;
        LastCorrection = 0;
        ClearOffset();
    }

    /// <summary>The server's tanks of <paramref name="state"/>, dequantized: the local one into slot 0, the others after it.</summary>
    private bool LoadBodies(WorldState state)
    {
        var tanks = state.Tanks;
        var local = -1;
        for (var i = 0; i < tanks.Length; i++)
        {
            if (tanks[i].Id == LocalTankId)
            {
                local = i;
                break;
            }
        }
        if (local < 0)
        {
            return false;
        }
        _classId = ClassOf(tanks[local].ClassId);
        _bodies[0] = Dequantize(in tanks[local]);
        _bodyCount = 1;
        _minRadius = _bodies[0].Radius;
        for (var i = 0; i < tanks.Length && _bodyCount < _bodies.Length; i++)
        {
            if (i != local)
            {
                _bodies[_bodyCount] = Dequantize(in tanks[i]);
                _minRadius = MathF.Min(_minRadius, _bodies[_bodyCount].Radius);
                _bodyCount++;
            }
        }
        // The server sub-steps by the fastest tank of all; the others stand still here but count with their speeds.
        _otherSubSteps = TankMotion.SubSteps(new TankBodyArray(_bodies, _bodyCount), Dt, _minRadius);
        for (var i = 1; i < _bodyCount; i++)
        {
            _bodies[i].Speed = 0;
        }
        return true;
    }

    private TankBody Dequantize(in QuantizedTank q)
    {
        var hull = GameMath.WrapAngle(SnapshotQuantizer.AngleToRadians(q.HullAngle));
        var speed = q.Speed * TickRate / 1000f; // mm per tick → m/s
        return new TankBody
        {
            X = SnapshotQuantizer.Metres(q.X),
            Y = SnapshotQuantizer.Metres(q.Y),
            HullAngle = hull,
            TurretAngle = GameMath.WrapAngle(SnapshotQuantizer.AngleToRadians(q.TurretAngle)),
            Speed = speed,
            VelocityX = speed * MathF.Cos(hull),
            VelocityY = speed * MathF.Sin(hull),
            Radius = q.ClassId < _stats.Length ? _stats[q.ClassId].Radius : _smallestRadius,
            IsAlive = q.IsAlive,
        };
    }

    private int ClassOf(byte classId) => classId < _stats.Length ? classId : 0;

    /// <summary>One server tick of the local tank: Battle.Step's controls and movement, the others as obstacles.</summary>
    private void StepLocal(in TankInput input)
    {
        if (_frozen)
        {
            return;
        }
        TankMotion.ApplyControls(ref _bodies[0], in _stats[_classId], in input, Dt);
        var bodies = new TankBodyArray(_bodies, _bodyCount);
        var subSteps = Math.Max(_otherSubSteps, TankMotion.SubSteps(bodies, Dt, _minRadius));
        TankMotion.Move(_world, bodies, Dt, subSteps, _startX, _startY, _blocked);
    }

    private static TankPose PoseOf(in TankBody b) => new(b.X, b.Y, b.HullAngle, b.TurretAngle, b.Speed);

    private TankPose Offset(in TankPose p) => new(
        p.X + _offsetX, p.Y + _offsetY, GameMath.WrapAngle(p.HullAngle + _offsetHull),
        GameMath.WrapAngle(p.TurretAngle + _offsetTurret), p.Speed);

    private void ClearOffset() => _offsetX = _offsetY = _offsetHull = _offsetTurret = 0;
}

/// <summary>
/// A prediction as first made for server tick <see cref="Tick"/>: after input <see cref="Sequence"/>, replayed on the
/// server's state of <see cref="BaseTick"/> (which reflected inputs up to <see cref="BaseInputAck"/>). It equals the
/// server's tank of that tick when the server applied inputs BaseInputAck+1 .. Sequence one per tick, in ticks
/// BaseTick+1 .. Tick.
/// </summary>
public readonly record struct PredictionRecord(uint Tick, uint Sequence, uint BaseTick, uint BaseInputAck, TankPose Pose, bool IsSet);
