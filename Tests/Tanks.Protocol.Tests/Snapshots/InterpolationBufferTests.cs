using Tanks.Client.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

public sealed class InterpolationBufferTests
{
    private static WorldState State(uint tick, int x, ushort hull, bool alive = true, int shells = 0)
    {
        var state = new WorldState();
        state.Clear(new SnapshotHeader(tick, 100, 0, 0, SnapshotHeader.NoWinner, 0));
        state.AddTank(new QuantizedTank(1, 0, 0, x, 1000, hull, hull, 500, alive, 0));
        for (var i = 0; i < shells; i++)
        {
            state.AddShell(new QuantizedShell((uint)i, 1, 0, 0, 0, 2000, tick));
        }
        return state;
    }

    [Fact]
    public void Interpolates_between_the_states_around_the_render_tick()
    {
        var buffer = new InterpolationBuffer(20);
        buffer.Add(State(10, 1000, 0));
        buffer.Add(State(11, 2000, 1000));
        buffer.Add(State(12, 3000, 2000));
        Assert.Equal(10.0, buffer.RenderTick(2));
        var output = new InterpolatedTank[4];
        Assert.Equal(1, buffer.SampleTanks(10.25, output));
        Assert.Equal(12.5f, output[0].X, 3);
        Assert.Equal(10f, output[0].Y, 3);
        Assert.Equal(SnapshotQuantizer.AngleToRadians(250), output[0].HullAngle, 5);
    }

    [Fact]
    public void Bridges_a_gap_and_holds_the_newest_state()
    {
        var buffer = new InterpolationBuffer(20);
        buffer.Add(State(10, 1000, 0));
        buffer.Add(State(14, 1400, 0)); // 11..13 lost
        var output = new InterpolatedTank[1];
        buffer.SampleTanks(11, output);
        Assert.Equal(11f, output[0].X, 3);
        buffer.SampleTanks(20, output);
        Assert.Equal(14f, output[0].X, 3);
        buffer.SampleTanks(3, output); // before anything kept: the oldest
        Assert.Equal(10f, output[0].X, 3);
        buffer.Add(State(12, 1300, 0)); // a late arrival fills the gap
        buffer.SampleTanks(11, output);
        Assert.Equal(11.5f, output[0].X, 3);
        buffer.SampleTanks(12, output);
        Assert.Equal(13f, output[0].X, 3);

        var far = new InterpolationBuffer(20);
        far.Add(State(1, 1000, 0));
        far.Add(State(2, 9000, 0)); // 80 m in a tick: a teleport, snapped
        far.SampleTanks(1.4, output);
        Assert.Equal(10f, output[0].X, 3);
        far.SampleTanks(1.6, output);
        Assert.Equal(90f, output[0].X, 3);
    }

    [Fact]
    public void Angles_take_the_short_way_and_deaths_snap()
    {
        var buffer = new InterpolationBuffer(20);
        buffer.Add(State(1, 1000, 65000));
        buffer.Add(State(2, 1000, 500, alive: false));
        var output = new InterpolatedTank[1];
        buffer.SampleTanks(1.25, output);
        Assert.True(output[0].IsAlive);
        Assert.Equal(SnapshotQuantizer.AngleToRadians(65000) - 2 * MathF.PI, output[0].HullAngle, 5); // snapped to the earlier state
        buffer.SampleTanks(1.75, output);
        Assert.False(output[0].IsAlive);

        var turning = new InterpolationBuffer(20);
        turning.Add(State(1, 1000, 65000));
        turning.Add(State(2, 1000, 500));
        turning.SampleTanks(1.5, output);
        Assert.Equal(SnapshotQuantizer.AngleToRadians(65518) - 2 * MathF.PI, output[0].HullAngle, 4); // halfway across 0, not across π
    }

    [Fact]
    public void Shells_are_extrapolated_along_their_launch_record()
    {
        var buffer = new InterpolationBuffer(20);
        buffer.Add(State(10, 1000, 0, shells: 2));
        var shells = new InterpolatedShell[4];
        Assert.Equal(2, buffer.SampleShells(12, shells));
        Assert.Equal(20f, shells[0].X, 3); // 200 m/s for 0.1 s
        Assert.Equal(0f, shells[0].Y, 3);
        Assert.Equal(0, new InterpolationBuffer(20).SampleShells(1, shells));
    }
}
