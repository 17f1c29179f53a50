using Tanks.Client.Game;
using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Client.Prediction;

/// <summary>
/// What a game client draws of a battle: its own tank predicted (<see cref="LocalTankPredictor"/>, ahead of the server by
/// the round trip) and every other tank interpolated between snapshots (<see cref="InterpolationBuffer"/>, behind the
/// newest snapshot by a small delay). Feed it every input sent (<see cref="OnInputSent(in InputMessage)"/>) and every
/// decoded snapshot with its "last input applied" (<see cref="OnSnapshot"/>); per frame call <see cref="Update"/> and
/// <see cref="SampleTanks"/>. Not thread-safe; no allocation after construction.
/// </summary>
public sealed class PredictedBattleView
{
    public PredictedBattleView(MapDefinition map, TankClass[] classes, int tickRate, ushort localTankId, double interpolationDelayTicks = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interpolationDelayTicks);
        Local = new LocalTankPredictor(map, classes, tickRate, localTankId);
        Others = new InterpolationBuffer(tickRate);
        InterpolationDelayTicks = interpolationDelayTicks;
    }

    public LocalTankPredictor Local { get; }

    public InterpolationBuffer Others { get; }

    /// <summary>How far behind the newest snapshot the other tanks are drawn (ticks; 2 bridges one lost snapshot at 20 Hz).</summary>
    public double InterpolationDelayTicks { get; set; }

    /// <summary>The render tick for the others: newest snapshot tick − <see cref="InterpolationDelayTicks"/>.</summary>
    public double RenderTick => Others.RenderTick(InterpolationDelayTicks);

    /// <summary>Call with every <c>Input</c> message right after sending it.</summary>
    public void OnInputSent(in InputMessage message) => Local.Predict(in message);

    /// <summary>Call with every input sent, as the server will decode it (<see cref="LocalTankPredictor.FromWire"/>).</summary>
    public void OnInputSent(uint sequence, in TankInput input) => Local.Predict(sequence, in input);

    /// <summary>
    /// Call with every newly decoded snapshot (<c>SnapshotReceiver.Receive</c> returned Ok) and the input ack of that
    /// tick (<c>SnapshotReceiver.TryGetInputAck</c>). Returns whether the local tank was reconciled with it.
    /// </summary>
    public bool OnSnapshot(WorldState state, uint lastAppliedInput)
    {
        Others.Add(state);
        return Local.Reconcile(state, lastAppliedInput);
    }

    /// <summary>Forgets the battle's snapshots, inputs and predictions (a start again after a resume or reconnect).</summary>
    public void Reset()
    {
        Local.Reset();
        Others.Clear();
    }

    /// <summary>Per rendered frame: lets the local tank's correction decay.</summary>
    public void Update(float elapsedSeconds) => Local.Update(elapsedSeconds);

    /// <summary>
    /// Writes every tank to draw into <paramref name="output"/>: the others at <paramref name="renderTick"/> (fractional,
    /// e.g. <see cref="RenderTick"/> advanced smoothly by the frame clock), the local tank at its predicted pose
    /// <paramref name="localTickFraction"/> of the way into the current tick. Returns the count.
    /// </summary>
    public int SampleTanks(double renderTick, float localTickFraction, Span<InterpolatedTank> output)
    {
        var count = Others.SampleTanks(renderTick, output);
        if (!Local.HasState)
        {
            return count;
        }
        var pose = Local.RenderedAt(localTickFraction);
        for (var i = 0; i < count; i++)
        {
            if (output[i].Id == Local.LocalTankId)
            {
                output[i] = output[i] with { X = pose.X, Y = pose.Y, HullAngle = pose.HullAngle, TurretAngle = pose.TurretAngle };
                break;
            }
        }
        return count;
    }
}
