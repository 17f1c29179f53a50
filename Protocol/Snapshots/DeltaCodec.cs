namespace Tanks.Protocol.Snapshots;

/// <summary>
/// The bit-level delta format (docs/protocol.md, "Delta format"): <paramref name="current"/> against a baseline
/// state both sides hold, or against the empty state (a full snapshot). Pure functions over caller buffers: no
/// allocation, no state. Predictions (ticks left and reload count down by the tick distance) are integer maths, so
/// encoder and decoder always agree.
/// </summary>
public static class DeltaCodec
{
    private const int CoordinateBits = SnapshotQuantizer.CoordinateBits;

    // Tiers of a delta: 2-bit code → bits per component (two's complement); code 3 = absolute value.
    private const int PosTier0 = 4, PosTier1 = 7, PosTier2 = 11;
    private const int SpeedTier0 = 5, SpeedTier1 = 8, SpeedTier2 = 11;
    private const int AngleTier0 = 7, AngleTier1 = 10, AngleTier2 = 12;
    private const int HullTier0 = 3, HullTier1 = 7, HullTier2 = 11;
    private const int TurnTier0 = 4, TurnTier1 = 8, TurnTier2 = 12;

    /// <summary>The implicit baseline of a full snapshot: no tanks, no shells, a zero header. Never modified.</summary>
    private static readonly WorldState Empty = new();

    /// <summary>
    /// Encodes <paramref name="current"/> against <paramref name="baseline"/> (null = full snapshot) into
    /// <paramref name="destination"/>; returns the byte count, or -1 if it does not fit.
    /// </summary>
    public static int Encode(WorldState current, WorldState? baseline, Span<byte> destination)
    {
        var w = new BitWriter(destination);
        Write(ref w, current, baseline);
        var bytes = w.Flush();
        return w.Overflowed ? -1 : bytes;
    }

    /// <summary>Bits of the encoding before its zero padding (tests, vectors, measurements).</summary>
    internal static int EncodedBits(WorldState current, WorldState? baseline)
    {
        var w = new BitWriter(new byte[SnapshotLimits.MaxEncodedBytes]);
        Write(ref w, current, baseline);
        return w.BitsWritten;
    }

    private static void Write(ref BitWriter w, WorldState current, WorldState? baseline)
    {
        var b = baseline ?? Empty;
        var ticks = baseline is null ? 0u : current.Tick - baseline.Tick;
        WriteHeader(ref w, current.Header, b.Header, ticks);
        WriteTanks(ref w, current.Tanks, b.Tanks, ticks);
        WriteShells(ref w, current, b);
    }

    /// <summary>
    /// Decodes into <paramref name="into"/> (overwritten; valid only on <see cref="SnapshotReadResult.Ok"/>) the state of
    /// <paramref name="tick"/> from <paramref name="data"/> and the same <paramref name="baseline"/> the encoder used.
    /// Never throws on hostile data.
    /// </summary>
    public static SnapshotReadResult Decode(ReadOnlySpan<byte> data, uint tick, WorldState? baseline, WorldState into)
    {
        if (ReferenceEquals(into, baseline) || ReferenceEquals(into, Empty))
        {
            throw new ArgumentException("decode into a state other than the baseline", nameof(into));
        }
        var b = baseline ?? Empty;
        var ticks = baseline is null ? 0u : tick - baseline.Tick;
        var r = new BitReader(data);
        var result = ReadHeader(ref r, b.Header, tick, ticks, out var header);
        into.Clear(header);
        if (result == SnapshotReadResult.Ok)
        {
            result = ReadTanks(ref r, b.Tanks, ticks, into);
        }
        if (result == SnapshotReadResult.Ok)
        {
            result = ReadShells(ref r, b, tick, into);
        }
        if (result == SnapshotReadResult.Ok && r.Overflowed)
        {
            result = SnapshotReadResult.Truncated;
        }
        if (result == SnapshotReadResult.Ok && (r.Malformed || r.BitsLeft >= 8))
        {
            result = SnapshotReadResult.Malformed;
        }
        if (result != SnapshotReadResult.Ok)
        {
            into.Clear(default);
        }
        return result;
    }

    private static ushort PredictTicksLeft(ushort baseline, uint ticks) => baseline > ticks ? (ushort)(baseline - ticks) : (ushort)0;

    private static byte PredictReload(byte baseline, uint ticks) => baseline > ticks ? (byte)(baseline - ticks) : (byte)0;

    // ---- header ----

    private static void WriteHeader(ref BitWriter w, in SnapshotHeader c, in SnapshotHeader b, uint ticks)
    {
        var predicted = PredictTicksLeft(b.TicksLeft, ticks);
        w.WriteBit(c.TicksLeft != predicted);
        if (c.TicksLeft != predicted)
        {
            w.Write(c.TicksLeft, 16);
        }
        w.WriteBit(c.Capture0 != b.Capture0);
        if (c.Capture0 != b.Capture0)
        {
            w.Write(c.Capture0, 7);
        }
        w.WriteBit(c.Capture1 != b.Capture1);
        if (c.Capture1 != b.Capture1)
        {
            w.Write(c.Capture1, 7);
        }
        var resultChanged = c.Winner != b.Winner || c.EndReason != b.EndReason;
        w.WriteBit(resultChanged);
        if (resultChanged)
        {
            w.Write(c.Winner, 8);
            w.Write(c.EndReason, 3);
        }
    }

    private static SnapshotReadResult ReadHeader(ref BitReader r, in SnapshotHeader b, uint tick, uint ticks, out SnapshotHeader header)
    {
        var ticksLeft = r.ReadBit() ? (ushort)r.Read(16) : PredictTicksLeft(b.TicksLeft, ticks);
        var capture0 = r.ReadBit() ? (byte)r.Read(7) : b.Capture0;
        var capture1 = r.ReadBit() ? (byte)r.Read(7) : b.Capture1;
        byte winner = b.Winner, reason = b.EndReason;
        if (r.ReadBit())
        {
            winner = (byte)r.Read(8);
            reason = (byte)r.Read(3);
        }
        header = new SnapshotHeader(tick, ticksLeft, capture0, capture1, winner, reason);
        if (r.Overflowed)
        {
            return SnapshotReadResult.Truncated;
        }
        return SnapshotQuantizer.IsValid(header) ? SnapshotReadResult.Ok : SnapshotReadResult.Malformed;
    }

    // ---- tanks ----

    private static bool SameIds(ReadOnlySpan<QuantizedTank> a, ReadOnlySpan<QuantizedTank> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i].Id != b[i].Id)
            {
                return false;
            }
        }
        return true;
    }

    private static void WriteTanks(ref BitWriter w, ReadOnlySpan<QuantizedTank> current, ReadOnlySpan<QuantizedTank> baseline, uint ticks)
    {
        var same = baseline.Length > 0 && SameIds(current, baseline);
        w.WriteBit(same);
        if (!same)
        {
            w.WriteCount(current.Length);
            foreach (ref readonly var t in current)
            {
                w.Write(t.Id, 16);
                w.Write(t.Team, 8);
                w.Write(t.ClassId, 8);
                w.Write((uint)t.X, CoordinateBits);
                w.Write((uint)t.Y, CoordinateBits);
                w.Write(t.HullAngle, 16);
                w.Write(t.TurretAngle, 16);
                w.Write(t.HitPoints, 16);
                w.WriteBit(t.IsAlive);
                w.Write(t.Reload, 8);
                w.Write((ushort)t.Speed, 16);
                w.Write((ushort)t.TurnRate, 16);
            }
            return;
        }
        for (var i = 0; i < current.Length; i++)
        {
            ref readonly var c = ref current[i];
            ref readonly var b = ref baseline[i];
            var turn = c.TurnRate != b.TurnRate;
            var predictedHull = PredictHull(b, c.TurnRate, ticks);
            var hull = c.HullAngle != predictedHull;
            var speed = c.Speed != b.Speed;
            Predict(b, c.HullAngle, c.Speed, ticks, out var px, out var py);
            var moved = c.X != px || c.Y != py;
            var turret = c.TurretAngle != b.TurretAngle;
            var reload = c.Reload != PredictReload(b.Reload, ticks);
            var hp = c.HitPoints != b.HitPoints;
            var identity = c.Team != b.Team || c.ClassId != b.ClassId;
            var misc = reload || hp || identity || c.IsAlive != b.IsAlive;
            if (!(turn || hull || moved || speed || turret || misc))
            {
                w.WriteBit(false);
                continue;
            }
            w.WriteBit(true);
            // The usual moving tank is a little off its predicted hull angle and position and aims: one bit says exactly that.
            var typical = hull && moved && turret && !turn && !speed && !misc;
            w.WriteBit(typical);
            if (!typical)
            {
                w.WriteBit(turn);
                w.WriteBit(hull);
                w.WriteBit(speed);
                w.WriteBit(moved);
                w.WriteBit(turret);
                w.WriteBit(misc);
            }
            if (turn)
            {
                WriteTiered(ref w, c.TurnRate - b.TurnRate, (ushort)c.TurnRate, TurnTier0, TurnTier1, TurnTier2, 16);
            }
            if (hull)
            {
                WriteTiered(ref w, (short)(ushort)(c.HullAngle - predictedHull), c.HullAngle, HullTier0, HullTier1, HullTier2, 16);
            }
            if (speed)
            {
                WriteTiered(ref w, c.Speed - b.Speed, (ushort)c.Speed, SpeedTier0, SpeedTier1, SpeedTier2, 16);
            }
            if (moved)
            {
                WritePosition(ref w, c.X, c.Y, px, py);
            }
            if (turret)
            {
                WriteAngle(ref w, c.TurretAngle, b.TurretAngle);
            }
            if (misc)
            {
                w.WriteBit(c.IsAlive);
                w.WriteBit(hp);
                if (hp)
                {
                    w.Write(c.HitPoints, 16);
                }
                w.WriteBit(reload);
                if (reload)
                {
                    w.Write(c.Reload, 8);
                }
                w.WriteBit(identity);
                if (identity)
                {
                    w.Write(c.Team, 8);
                    w.Write(c.ClassId, 8);
                }
            }
        }
    }

    private static SnapshotReadResult ReadTanks(ref BitReader r, ReadOnlySpan<QuantizedTank> baseline, uint ticks, WorldState into)
    {
        var same = r.ReadBit();
        if (same && baseline.Length == 0)
        {
            return SnapshotReadResult.Malformed;
        }
        if (!same)
        {
            var count = r.ReadCount();
            if (count > SnapshotLimits.MaxTanks)
            {
                return r.Overflowed ? SnapshotReadResult.Truncated : SnapshotReadResult.Malformed;
            }
            var previousId = -1;
            for (var i = 0; i < count; i++)
            {
                var tank = new QuantizedTank(
                    (ushort)r.Read(16), (byte)r.Read(8), (byte)r.Read(8), (int)r.Read(CoordinateBits), (int)r.Read(CoordinateBits),
                    (ushort)r.Read(16), (ushort)r.Read(16), (ushort)r.Read(16), r.ReadBit(), (byte)r.Read(8), (short)r.Read(16),
                    (short)r.Read(16));
                if (r.Overflowed)
                {
                    return SnapshotReadResult.Truncated;
                }
                if (tank.Id <= previousId)
                {
                    return SnapshotReadResult.Malformed;
                }
                previousId = tank.Id;
                into.TryAddTank(tank);
            }
            return SnapshotReadResult.Ok;
        }
        foreach (ref readonly var b in baseline)
        {
            if (!r.ReadBit())
            {
                var sameHull = PredictHull(b, b.TurnRate, ticks);
                Predict(b, sameHull, b.Speed, ticks, out var sx, out var sy);
                into.TryAddTank(b with { X = sx, Y = sy, HullAngle = sameHull, Reload = PredictReload(b.Reload, ticks) });
                continue;
            }
            bool turn = false, hull = true, speed = false, moved = true, turret = true, misc = false;
            if (!r.ReadBit())
            {
                turn = r.ReadBit();
                hull = r.ReadBit();
                speed = r.ReadBit();
                moved = r.ReadBit();
                turret = r.ReadBit();
                misc = r.ReadBit();
            }
            var turnRate = turn ? (short)ReadTiered(ref r, b.TurnRate, TurnTier0, TurnTier1, TurnTier2, 16) : b.TurnRate;
            var predictedHull = PredictHull(b, turnRate, ticks);
            var hullAngle = hull ? (ushort)ReadTiered(ref r, predictedHull, HullTier0, HullTier1, HullTier2, 16) : predictedHull;
            var speedValue = speed ? (short)ReadTiered(ref r, b.Speed, SpeedTier0, SpeedTier1, SpeedTier2, 16) : b.Speed;
            Predict(b, hullAngle, speedValue, ticks, out var x, out var y);
            if (moved && !ReadPosition(ref r, ref x, ref y))
            {
                return r.Overflowed ? SnapshotReadResult.Truncated : SnapshotReadResult.Malformed;
            }
            var turretAngle = turret ? ReadAngle(ref r, b.TurretAngle) : b.TurretAngle;
            var alive = b.IsAlive;
            var hp = b.HitPoints;
            var reload = PredictReload(b.Reload, ticks);
            byte team = b.Team, classId = b.ClassId;
            if (misc)
            {
                alive = r.ReadBit();
                if (r.ReadBit())
                {
                    hp = (ushort)r.Read(16);
                }
                if (r.ReadBit())
                {
                    reload = (byte)r.Read(8);
                }
                if (r.ReadBit())
                {
                    team = (byte)r.Read(8);
                    classId = (byte)r.Read(8);
                }
            }
            if (r.Overflowed)
            {
                return SnapshotReadResult.Truncated;
            }
            into.TryAddTank(new QuantizedTank(b.Id, team, classId, x, y, hullAngle, turretAngle, hp, alive, reload, speedValue, turnRate));
        }
        return SnapshotReadResult.Ok;
    }

    /// <summary>The hull after <paramref name="ticks"/> at the mean of the baseline's and the current turn rate.</summary>
    internal static ushort PredictHull(in QuantizedTank b, short turnRate, uint ticks) =>
        ticks is 0 or > 64 ? b.HullAngle : (ushort)(b.HullAngle + (b.TurnRate + turnRate) * (int)ticks / 2);

    /// <summary>
    /// Dead reckoning, integer only (identical on both sides): from the baseline position, the mean of the baseline's and the
    /// current speed times the tick distance, along the mean heading of a constant turn from the baseline hull to the current
    /// hull (θb + Δ·(n+1)/2n: the tank moves along its new heading each tick). Clamped to the coordinate range.
    /// </summary>
    internal static void Predict(in QuantizedTank b, ushort hull, short speed, uint ticks, out int x, out int y)
    {
        if (ticks is 0 or > 64 || (b.Speed == 0 && speed == 0))
        {
            x = b.X;
            y = b.Y;
            return;
        }
        var n = (int)ticks;
        var turn = (int)(short)(ushort)(hull - b.HullAngle);
        var heading = (ushort)(b.HullAngle + turn * (n + 1) / (2 * n));
        var millimetres = ((long)b.Speed + speed) * n; // twice the distance
        x = Math.Clamp(b.X + ToCentimetres(millimetres * IntegerTrig.CosOf(heading)), 0, SnapshotQuantizer.MaxCoordinate);
        y = Math.Clamp(b.Y + ToCentimetres(millimetres * IntegerTrig.SinOf(heading)), 0, SnapshotQuantizer.MaxCoordinate);
    }

    /// <summary>
    /// (2 × mm × 2^14) → cm: ⌊(v + 163840) / 327680⌋ in 64-bit integers, i.e. rounded half towards +∞ for either sign
    /// (a floor division, not C#'s truncating one, so a client in any language gets the same centimetre).
    /// </summary>
    internal static int ToCentimetres(long doubledScaledMillimetres)
    {
        const long Divisor = 20L << IntegerTrig.Shift;
        var v = doubledScaledMillimetres + Divisor / 2;
        var q = v / Divisor;
        return (int)(v % Divisor < 0 ? q - 1 : q);
    }

    /// <summary>Length of gamma(<paramref name="value"/> ≥ 1): 2⌊log₂ v⌋ + 1.</summary>
    private static int GammaBits(uint value) => 2 * (31 - System.Numerics.BitOperations.LeadingZeroCount(value)) + 1;

    private static bool Fits(int value, int bits) => value >= -(1 << (bits - 1)) && value < 1 << (bits - 1);

    private static void WriteTiered(ref BitWriter w, int delta, int absolute, int tier0, int tier1, int tier2, int absoluteBits)
    {
        if (Fits(delta, tier0))
        {
            w.Write(0, 2);
            w.WriteSigned(delta, tier0);
        }
        else if (Fits(delta, tier1))
        {
            w.Write(1, 2);
            w.WriteSigned(delta, tier1);
        }
        else if (Fits(delta, tier2))
        {
            w.Write(2, 2);
            w.WriteSigned(delta, tier2);
        }
        else
        {
            w.Write(3, 2);
            w.Write((uint)absolute, absoluteBits);
        }
    }

    private static int ReadTiered(ref BitReader r, int baseline, int tier0, int tier1, int tier2, int absoluteBits) => r.Read(2) switch
    {
        0 => baseline + r.ReadSigned(tier0),
        1 => baseline + r.ReadSigned(tier1),
        2 => baseline + r.ReadSigned(tier2),
        _ => (int)r.Read(absoluteBits),
    };

    private static void WritePosition(ref BitWriter w, int x, int y, int px, int py)
    {
        int dx = x - px, dy = y - py;
        var bits = Fits(dx, PosTier0) && Fits(dy, PosTier0) ? PosTier0
            : Fits(dx, PosTier1) && Fits(dy, PosTier1) ? PosTier1
            : Fits(dx, PosTier2) && Fits(dy, PosTier2) ? PosTier2 : 0;
        if (bits == 0)
        {
            w.Write(3, 2);
            w.Write((uint)x, CoordinateBits);
            w.Write((uint)y, CoordinateBits);
            return;
        }
        w.Write(bits == PosTier0 ? 0u : bits == PosTier1 ? 1u : 2u, 2);
        w.WriteSigned(dx, bits);
        w.WriteSigned(dy, bits);
    }

    private static bool ReadPosition(ref BitReader r, ref int x, ref int y)
    {
        var tier = r.Read(2);
        if (tier == 3)
        {
            x = (int)r.Read(CoordinateBits);
            y = (int)r.Read(CoordinateBits);
            return !r.Overflowed;
        }
        var bits = tier == 0 ? PosTier0 : tier == 1 ? PosTier1 : PosTier2;
        x += r.ReadSigned(bits);
        y += r.ReadSigned(bits);
        return !r.Overflowed && SnapshotQuantizer.IsValidCoordinate(x) && SnapshotQuantizer.IsValidCoordinate(y);
    }

    private static void WriteAngle(ref BitWriter w, ushort angle, ushort baseline)
    {
        int d = (short)(ushort)(angle - baseline);
        if (Fits(d, AngleTier0))
        {
            w.Write(0, 2);
            w.WriteSigned(d, AngleTier0);
        }
        else if (Fits(d, AngleTier1))
        {
            w.Write(1, 2);
            w.WriteSigned(d, AngleTier1);
        }
        else if (Fits(d, AngleTier2))
        {
            w.Write(2, 2);
            w.WriteSigned(d, AngleTier2);
        }
        else
        {
            w.Write(3, 2);
            w.Write(angle, 16);
        }
    }

    private static ushort ReadAngle(ref BitReader r, ushort baseline) => r.Read(2) switch
    {
        0 => (ushort)(baseline + r.ReadSigned(AngleTier0)),
        1 => (ushort)(baseline + r.ReadSigned(AngleTier1)),
        2 => (ushort)(baseline + r.ReadSigned(AngleTier2)),
        _ => (ushort)r.Read(16),
    };

    // ---- shells ----

    private static void WriteShells(ref BitWriter w, WorldState current, WorldState baseline)
    {
        var cur = current.Shells;
        var old = baseline.Shells;
        Span<ushort> removed = stackalloc ushort[SnapshotLimits.MaxShells];
        Span<ushort> added = stackalloc ushort[SnapshotLimits.MaxShells];
        int removedCount = 0, addedCount = 0, i = 0, j = 0;
        while (i < old.Length || j < cur.Length)
        {
            if (j == cur.Length || (i < old.Length && old[i].Id < cur[j].Id))
            {
                removed[removedCount++] = (ushort)i++;
            }
            else if (i == old.Length || cur[j].Id < old[i].Id)
            {
                added[addedCount++] = (ushort)j++;
            }
            else
            {
                if (old[i] != cur[j])
                {
                    // A launch record never changes in flight; if it did, resend it: remove and add again.
                    removed[removedCount++] = (ushort)i;
                    added[addedCount++] = (ushort)j;
                }
                i++;
                j++;
            }
        }

        w.WriteCount(removedCount);
        var previous = -1;
        for (var k = 0; k < removedCount; k++)
        {
            w.WriteGamma((uint)(removed[k] - previous));
            previous = removed[k];
        }

        w.WriteCount(addedCount);
        // Ids are relative to the baseline's largest shell id, or to 0 when it has none (Game's ids start at 1), so the
        // first shell of a quiet moment costs gamma(id) instead of 32 bits; a gap whose gamma code would be longer than
        // 32 bits (or an id below the previous one) goes absolute.
        var previousId = old.Length > 0 ? old[^1].Id : 0u;
        for (var k = 0; k < addedCount; k++)
        {
            ref readonly var s = ref cur[added[k]];
            var relative = s.Id > previousId && GammaBits(s.Id - previousId) <= 32;
            w.WriteBit(relative);
            if (relative)
            {
                w.WriteGamma(s.Id - previousId);
            }
            else
            {
                w.Write(s.Id, 32);
            }
            previousId = s.Id;
            w.WriteGamma((uint)s.Owner + 1);
            w.Write((uint)s.X, CoordinateBits);
            w.Write((uint)s.Y, CoordinateBits);
            w.Write(s.Angle, 16);
            w.Write(s.Speed, 16);
            // gamma(age + 1) is at most 32 bits up to age 65534; older (or a spawn tick ahead) is cheaper absolute.
            var age = current.Tick - s.SpawnTick;
            var recent = age < 0xFFFF;
            w.WriteBit(recent);
            if (recent)
            {
                w.WriteGamma(age + 1);
            }
            else
            {
                w.Write(s.SpawnTick, 32);
            }
        }
    }

    private static SnapshotReadResult ReadShells(ref BitReader r, WorldState baseline, uint tick, WorldState into)
    {
        var old = baseline.Shells;
        var removedCount = r.ReadCount();
        if (removedCount > old.Length)
        {
            return r.Overflowed ? SnapshotReadResult.Truncated : SnapshotReadResult.Malformed;
        }
        var next = 0; // next baseline index to keep
        var previous = -1L;
        for (var k = 0; k < removedCount; k++)
        {
            var index = previous + r.ReadGamma();
            if (r.Overflowed)
            {
                return SnapshotReadResult.Truncated;
            }
            if (index >= old.Length)
            {
                return SnapshotReadResult.Malformed;
            }
            for (; next < index; next++)
            {
                into.TryAddShell(old[next]);
            }
            next = (int)index + 1;
            previous = index;
        }
        for (; next < old.Length; next++)
        {
            into.TryAddShell(old[next]);
        }

        var addedCount = r.ReadCount();
        if (addedCount > SnapshotLimits.MaxShells - into.Shells.Length)
        {
            return r.Overflowed ? SnapshotReadResult.Truncated : SnapshotReadResult.Malformed;
        }
        var previousId = old.Length > 0 ? old[^1].Id : 0u;
        for (var k = 0; k < addedCount; k++)
        {
            uint id;
            if (r.ReadBit())
            {
                var gap = r.ReadGamma();
                if (gap > uint.MaxValue - previousId)
                {
                    return r.Overflowed ? SnapshotReadResult.Truncated : SnapshotReadResult.Malformed;
                }
                id = previousId + gap;
            }
            else
            {
                id = r.Read(32);
            }
            previousId = id;
            var owner = r.ReadGamma() - 1;
            var x = (int)r.Read(CoordinateBits);
            var y = (int)r.Read(CoordinateBits);
            var angle = (ushort)r.Read(16);
            var speed = (ushort)r.Read(16);
            var spawnTick = r.ReadBit() ? tick - (r.ReadGamma() - 1) : r.Read(32);
            if (r.Overflowed)
            {
                return SnapshotReadResult.Truncated;
            }
            if (owner > ushort.MaxValue || !into.TryAddShell(new QuantizedShell(id, (ushort)owner, x, y, angle, speed, spawnTick)))
            {
                return SnapshotReadResult.Malformed;
            }
        }
        return SnapshotReadResult.Ok;
    }
}
