using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>Random world states and plausible next states (seeded, so CsCheck can replay a failing seed).</summary>
internal static class SnapshotGen
{
    public static WorldState RandomState(Random rng, uint tick, int maxTanks = 20, int maxShells = 30)
    {
        var state = new WorldState();
        state.Clear(RandomHeader(rng, tick));
        var tanks = rng.Next(0, maxTanks + 1);
        for (var i = 0; i < tanks; i++)
        {
            state.TryAddTank(RandomTank(rng, (ushort)(rng.Next(4) == 0 ? rng.Next(65536) : i)));
        }
        var shells = rng.Next(0, maxShells + 1);
        var id = (uint)rng.Next(0, 100_000);
        for (var i = 0; i < shells; i++)
        {
            id += (uint)(rng.Next(8) == 0 ? rng.Next(1, int.MaxValue) : rng.Next(1, 4));
            state.TryAddShell(RandomShell(rng, id, tick));
        }
        return state;
    }

    /// <summary>A state <paramref name="ticks"/> after <paramref name="baseline"/>: most tanks move a little, some a lot, some not at all.</summary>
    public static WorldState Next(Random rng, WorldState baseline, uint ticks)
    {
        var tick = baseline.Tick + ticks;
        var h = baseline.Header;
        var state = new WorldState();
        state.Clear(rng.Next(10) switch
        {
            0 => RandomHeader(rng, tick),
            1 => h with { Tick = tick, Capture0 = (byte)rng.Next(101) },
            _ => h with { Tick = tick, TicksLeft = (ushort)Math.Max(0, h.TicksLeft - (int)ticks) },
        });
        var tankChange = rng.Next(20);
        foreach (var t in baseline.Tanks)
        {
            if (tankChange == 0 && rng.Next(3) == 0)
            {
                continue; // the roster changed: a tank left
            }
            state.TryAddTank(rng.Next(8) switch
            {
                0 => t with { Reload = (byte)Math.Max(0, t.Reload - (int)ticks) }, // unchanged (reload predicted)
                1 => RandomTank(rng, t.Id),
                2 => t with { HitPoints = (ushort)rng.Next(65536), IsAlive = rng.Next(2) == 0, Reload = (byte)rng.Next(256) },
                3 => t with { Team = (byte)rng.Next(256), ClassId = (byte)rng.Next(256) },
                _ => Moved(rng, t, ticks),
            });
        }
        if (tankChange == 1 && state.Tanks.Length < SnapshotLimits.MaxTanks)
        {
            state.TryAddTank(RandomTank(rng, (ushort)rng.Next(65536)));
        }
        foreach (var s in baseline.Shells)
        {
            switch (rng.Next(10))
            {
                case 0:
                    break; // removed
                case 1:
                    state.TryAddShell(s with { X = Coordinate(rng) }); // a changed launch record (resent)
                    break;
                default:
                    state.TryAddShell(s);
                    break;
            }
        }
        var newShells = rng.Next(0, 4);
        var id = baseline.Shells.Length > 0 ? baseline.Shells[^1].Id : 0u;
        for (var i = 0; i < newShells && id < uint.MaxValue - 10; i++)
        {
            id += (uint)rng.Next(1, 5);
            state.TryAddShell(RandomShell(rng, rng.Next(10) == 0 ? (uint)rng.NextInt64(0, uint.MaxValue) : id, tick));
        }
        return state;
    }

    private static QuantizedTank Moved(Random rng, QuantizedTank t, uint ticks)
    {
        var step = (int)Math.Min(ticks, 40) * (rng.Next(4) == 0 ? 400 : 80);
        return t with
        {
            X = Math.Clamp(t.X + rng.Next(-step, step + 1), 0, SnapshotQuantizer.MaxCoordinate),
            Y = Math.Clamp(t.Y + rng.Next(-step, step + 1), 0, SnapshotQuantizer.MaxCoordinate),
            HullAngle = rng.Next(3) == 0 ? t.HullAngle : (ushort)(t.HullAngle + rng.Next(-700, 701) * (int)Math.Min(ticks, 40)),
            TurretAngle = rng.Next(2) == 0 ? t.TurretAngle : (ushort)(t.TurretAngle + rng.Next(-900, 901)),
            Reload = rng.Next(10) == 0 ? (byte)rng.Next(256) : (byte)Math.Max(0, t.Reload - (int)ticks),
            Speed = rng.Next(3) == 0 ? (short)(t.Speed + rng.Next(-40, 41)) : t.Speed,
            TurnRate = rng.Next(4) == 0 ? Small(rng, 700) : t.TurnRate,
        };
    }

    public static SnapshotHeader RandomHeader(Random rng, uint tick)
    {
        var reason = (byte)rng.Next(5);
        return new SnapshotHeader(tick, (ushort)rng.Next(65536), (byte)rng.Next(101), (byte)rng.Next(101),
            reason == 0 ? SnapshotHeader.NoWinner : (byte)rng.Next(3) switch { 2 => SnapshotHeader.NoWinner, var w => w }, reason);
    }

    public static QuantizedTank RandomTank(Random rng, ushort id) => new(
        id, (byte)rng.Next(2), (byte)rng.Next(3), Coordinate(rng), Coordinate(rng), (ushort)rng.Next(65536), (ushort)rng.Next(65536),
        (ushort)rng.Next(2000), rng.Next(5) != 0, (byte)rng.Next(256), Small(rng, 800), Small(rng, 700));

    private static short Small(Random rng, int typical) => rng.Next(8) switch
    {
        0 => 0,
        1 => (short)rng.Next(short.MinValue, short.MaxValue + 1),
        _ => (short)rng.Next(-typical, typical + 1),
    };

    public static QuantizedShell RandomShell(Random rng, uint id, uint tick) => new(
        id, (ushort)rng.Next(rng.Next(10) == 0 ? 65536 : 14), Coordinate(rng), Coordinate(rng), (ushort)rng.Next(65536),
        (ushort)rng.Next(65536), rng.Next(20) == 0 ? (uint)rng.NextInt64(0, uint.MaxValue) : tick - (uint)rng.Next(0, 40));

    private static int Coordinate(Random rng) => rng.Next(6) switch
    {
        0 => 0,
        1 => SnapshotQuantizer.MaxCoordinate,
        _ => rng.Next(0, 40_001),
    };

    /// <summary>A state far too big for one payload: 64 tanks and 256 shells scattered over the whole coordinate range.</summary>
    public static WorldState Huge(Random rng, uint tick)
    {
        var state = new WorldState();
        state.Clear(RandomHeader(rng, tick));
        for (var i = 0; i < SnapshotLimits.MaxTanks; i++)
        {
            state.AddTank(RandomTank(rng, (ushort)(i * 1000)) with { X = rng.Next(SnapshotQuantizer.MaxCoordinate) });
        }
        for (var i = 0; i < SnapshotLimits.MaxShells; i++)
        {
            state.AddShell(RandomShell(rng, (uint)(i * 7919 + 1), tick));
        }
        return state;
    }
}
