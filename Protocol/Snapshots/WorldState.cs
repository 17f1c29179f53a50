using System.Buffers.Binary;

namespace Tanks.Protocol.Snapshots;

/// <summary>
/// One tick's quantized world: a header, tanks sorted by id, shells sorted by id. Fixed capacity, reused tick after tick
/// (<see cref="Clear"/>, <see cref="CopyFrom"/>): nothing allocates after construction. The binary form
/// (<see cref="WriteTo"/> / <see cref="TryRead"/>) is what the SessionGrain pushes to the gateways. Beside each tank it keeps
/// the sequence of the newest input the battle applied to it (<see cref="LastInputs"/>): the binary form carries it, the
/// delta codec does not (each gateway writes the receiving client's own value into its <c>Snapshot</c> header), so it is
/// not part of <see cref="ContentEquals"/>. Likewise each tank and shell carries the teams that may see it
/// (<see cref="TankSeenBy"/>, <see cref="ShellSeenBy"/>: bit t = team t, decided by the battle's spotting rules); a gateway
/// takes a team's view with <see cref="CopyTeamView"/> and delta-encodes that, so it needs no game rules.
/// </summary>
public sealed class WorldState
{
    /// <summary>Binary form: version u8, tick u32, ticks left u16, capture ×2, winner, reason, tank count u8, shell count u16.</summary>
    public const int BinaryHeaderBytes = 1 + 4 + 2 + 1 + 1 + 1 + 1 + 1 + 2;
    public const int BinaryTankBytes = 2 + 1 + 1 + 4 + 4 + 2 + 2 + 2 + 1 + 1 + 2 + 2 + 4 + 1;
    public const int BinaryShellBytes = 4 + 2 + 4 + 4 + 2 + 2 + 4 + 1;

    /// <summary>Seen by both teams (the default, and every entry when spotting is off).</summary>
    public const byte SeenByAll = 0b11;
    public const byte BinaryVersion = 2;

    /// <summary>Largest binary form.</summary>
    public const int MaxBinaryBytes = BinaryHeaderBytes + SnapshotLimits.MaxTanks * BinaryTankBytes + SnapshotLimits.MaxShells * BinaryShellBytes;

    private readonly QuantizedTank[] _tanks = new QuantizedTank[SnapshotLimits.MaxTanks];
    private readonly uint[] _lastInputs = new uint[SnapshotLimits.MaxTanks];
    private readonly QuantizedShell[] _shells = new QuantizedShell[SnapshotLimits.MaxShells];
    private readonly byte[] _tankSeenBy = new byte[SnapshotLimits.MaxTanks];
    private readonly byte[] _shellSeenBy = new byte[SnapshotLimits.MaxShells];
    private int _tankCount;
    private int _shellCount;

    public SnapshotHeader Header { get; set; }

    public uint Tick => Header.Tick;

    public ReadOnlySpan<QuantizedTank> Tanks => _tanks.AsSpan(0, _tankCount);

    public ReadOnlySpan<QuantizedShell> Shells => _shells.AsSpan(0, _shellCount);

    /// <summary>Per tank (same order as <see cref="Tanks"/>): the sequence of the newest input applied to it, 0 = none.</summary>
    public ReadOnlySpan<uint> LastInputs => _lastInputs.AsSpan(0, _tankCount);

    /// <summary>Per tank (same order as <see cref="Tanks"/>): the teams that may see it, bit t = team t.</summary>
    public ReadOnlySpan<byte> TankSeenBy => _tankSeenBy.AsSpan(0, _tankCount);

    /// <summary>Per shell (same order as <see cref="Shells"/>): the teams that may see it, bit t = team t.</summary>
    public ReadOnlySpan<byte> ShellSeenBy => _shellSeenBy.AsSpan(0, _shellCount);

    /// <summary>The sequence of the newest input applied to tank <paramref name="tankId"/>; 0 for none or no such tank.</summary>
    public uint LastInputOf(ushort tankId)
    {
        int lo = 0, hi = _tankCount - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var midId = _tanks[mid].Id;
            if (midId == tankId)
            {
                return _lastInputs[mid];
            }
            if (midId < tankId)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return 0;
    }

    public int BinarySize => BinaryHeaderBytes + _tankCount * BinaryTankBytes + _shellCount * BinaryShellBytes;

    /// <summary>Empties the state and sets its header.</summary>
    public void Clear(in SnapshotHeader header)
    {
        Header = header;
        _tankCount = 0;
        _shellCount = 0;
    }

    /// <summary>Adds a tank, keeping ids sorted; false if full or the id is present.</summary>
    public bool TryAddTank(in QuantizedTank tank) => TryAddTank(tank, 0);

    /// <summary>Adds a tank with the sequence of the newest input applied to it; false if full or the id is present.</summary>
    public bool TryAddTank(in QuantizedTank tank, uint lastInput) => TryAddTank(tank, lastInput, SeenByAll);

    /// <summary>Adds a tank with its last input and the teams that may see it; false if full or the id is present.</summary>
    public bool TryAddTank(in QuantizedTank tank, uint lastInput, byte seenBy)
    {
        if (_tankCount == _tanks.Length)
        {
            return false;
        }
        var i = _tankCount;
        while (i > 0 && _tanks[i - 1].Id > tank.Id)
        {
            i--;
        }
        if (i > 0 && _tanks[i - 1].Id == tank.Id)
        {
            return false;
        }
        Array.Copy(_tanks, i, _tanks, i + 1, _tankCount - i);
        Array.Copy(_lastInputs, i, _lastInputs, i + 1, _tankCount - i);
        Array.Copy(_tankSeenBy, i, _tankSeenBy, i + 1, _tankCount - i);
        _tanks[i] = tank;
        _lastInputs[i] = lastInput;
        _tankSeenBy[i] = seenBy;
        _tankCount++;
        return true;
    }

    /// <summary>Adds a shell, keeping ids sorted; false if full or the id is present.</summary>
    public bool TryAddShell(in QuantizedShell shell) => TryAddShell(shell, SeenByAll);

    /// <summary>Adds a shell with the teams that may see it; false if full or the id is present.</summary>
    public bool TryAddShell(in QuantizedShell shell, byte seenBy)
    {
        if (_shellCount == _shells.Length)
        {
            return false;
        }
        var i = _shellCount;
        while (i > 0 && _shells[i - 1].Id > shell.Id)
        {
            i--;
        }
        if (i > 0 && _shells[i - 1].Id == shell.Id)
        {
            return false;
        }
        Array.Copy(_shells, i, _shells, i + 1, _shellCount - i);
        Array.Copy(_shellSeenBy, i, _shellSeenBy, i + 1, _shellCount - i);
        _shells[i] = shell;
        _shellSeenBy[i] = seenBy;
        _shellCount++;
        return true;
    }

    public void AddTank(in QuantizedTank tank)
    {
        if (!TryAddTank(tank))
        {
            throw new InvalidOperationException($"tank {tank.Id}: duplicate id or more than {SnapshotLimits.MaxTanks} tanks");
        }
    }

    public void AddShell(in QuantizedShell shell)
    {
        if (!TryAddShell(shell))
        {
            throw new InvalidOperationException($"shell {shell.Id}: duplicate id or more than {SnapshotLimits.MaxShells} shells");
        }
    }

    /// <summary>Finds a shell by id (binary search).</summary>
    public bool TryGetShell(uint id, out QuantizedShell shell)
    {
        int lo = 0, hi = _shellCount - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var midId = _shells[mid].Id;
            if (midId == id)
            {
                shell = _shells[mid];
                return true;
            }
            if (midId < id)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        shell = default;
        return false;
    }

    public void CopyFrom(WorldState other)
    {
        Header = other.Header;
        _tankCount = other._tankCount;
        _shellCount = other._shellCount;
        other.Tanks.CopyTo(_tanks);
        other.LastInputs.CopyTo(_lastInputs);
        other.TankSeenBy.CopyTo(_tankSeenBy);
        other.Shells.CopyTo(_shells);
        other.ShellSeenBy.CopyTo(_shellSeenBy);
    }

    /// <summary>
    /// What team <paramref name="team"/> may know of <paramref name="full"/>: the header, and the tanks and shells whose
    /// seen-by mask has the team's bit (the rest are absent, so the delta codec sends them as leaving the roster).
    /// </summary>
    public void CopyTeamView(WorldState full, int team)
    {
        var bit = 1 << team;
        Header = full.Header;
        _tankCount = 0;
        _shellCount = 0;
        for (var i = 0; i < full._tankCount; i++)
        {
            if ((full._tankSeenBy[i] & bit) != 0)
            {
                _tanks[_tankCount] = full._tanks[i];
                _lastInputs[_tankCount] = full._lastInputs[i];
                _tankSeenBy[_tankCount++] = full._tankSeenBy[i];
            }
        }
        for (var i = 0; i < full._shellCount; i++)
        {
            if ((full._shellSeenBy[i] & bit) != 0)
            {
                _shells[_shellCount] = full._shells[i];
                _shellSeenBy[_shellCount++] = full._shellSeenBy[i];
            }
        }
    }

    /// <summary>Same header, tanks and shells (<see cref="LastInputs"/> not compared: the delta codec does not carry them).</summary>
    public bool ContentEquals(WorldState other) =>
        Header == other.Header && Tanks.SequenceEqual(other.Tanks) && Shells.SequenceEqual(other.Shells);

    /// <summary>Writes the binary form (little-endian, <see cref="BinarySize"/> bytes); returns its length.</summary>
    public int WriteTo(Span<byte> destination)
    {
        var size = BinarySize;
        if (destination.Length < size)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, the state needs {size}", nameof(destination));
        }
        var h = Header;
        destination[0] = BinaryVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[1..], h.Tick);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[5..], h.TicksLeft);
        destination[7] = h.Capture0;
        destination[8] = h.Capture1;
        destination[9] = h.Winner;
        destination[10] = h.EndReason;
        destination[11] = (byte)_tankCount;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[12..], (ushort)_shellCount);
        var o = BinaryHeaderBytes;
        for (var i = 0; i < _tankCount; i++)
        {
            ref readonly var t = ref _tanks[i];
            var d = destination.Slice(o, BinaryTankBytes);
            BinaryPrimitives.WriteUInt16LittleEndian(d, t.Id);
            d[2] = t.Team;
            d[3] = t.ClassId;
            BinaryPrimitives.WriteInt32LittleEndian(d[4..], t.X);
            BinaryPrimitives.WriteInt32LittleEndian(d[8..], t.Y);
            BinaryPrimitives.WriteUInt16LittleEndian(d[12..], t.HullAngle);
            BinaryPrimitives.WriteUInt16LittleEndian(d[14..], t.TurretAngle);
            BinaryPrimitives.WriteUInt16LittleEndian(d[16..], t.HitPoints);
            d[18] = t.IsAlive ? (byte)1 : (byte)0;
            d[19] = t.Reload;
            BinaryPrimitives.WriteInt16LittleEndian(d[20..], t.Speed);
            BinaryPrimitives.WriteInt16LittleEndian(d[22..], t.TurnRate);
            BinaryPrimitives.WriteUInt32LittleEndian(d[24..], _lastInputs[i]);
            d[28] = _tankSeenBy[i];
            o += BinaryTankBytes;
        }
        for (var i = 0; i < _shellCount; i++)
        {
            ref readonly var s = ref _shells[i];
            var d = destination.Slice(o, BinaryShellBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(d, s.Id);
            BinaryPrimitives.WriteUInt16LittleEndian(d[4..], s.Owner);
            BinaryPrimitives.WriteInt32LittleEndian(d[6..], s.X);
            BinaryPrimitives.WriteInt32LittleEndian(d[10..], s.Y);
            BinaryPrimitives.WriteUInt16LittleEndian(d[14..], s.Angle);
            BinaryPrimitives.WriteUInt16LittleEndian(d[16..], s.Speed);
            BinaryPrimitives.WriteUInt32LittleEndian(d[18..], s.SpawnTick);
            d[22] = _shellSeenBy[i];
            o += BinaryShellBytes;
        }
        return o;
    }

    /// <summary>
    /// Reads the binary form into <paramref name="into"/> (its previous content is lost). Checks version, exact length,
    /// counts, sorted unique ids, coordinate range, the alive byte; never throws.
    /// </summary>
    public static SnapshotReadResult TryRead(ReadOnlySpan<byte> source, WorldState into)
    {
        into.Clear(default);
        if (source.Length < BinaryHeaderBytes)
        {
            return SnapshotReadResult.Truncated;
        }
        if (source[0] != BinaryVersion)
        {
            return SnapshotReadResult.BadMessage;
        }
        int tanks = source[11];
        int shells = BinaryPrimitives.ReadUInt16LittleEndian(source[12..]);
        if (tanks > SnapshotLimits.MaxTanks || shells > SnapshotLimits.MaxShells)
        {
            return SnapshotReadResult.Malformed;
        }
        var size = BinaryHeaderBytes + tanks * BinaryTankBytes + shells * BinaryShellBytes;
        if (source.Length < size)
        {
            return SnapshotReadResult.Truncated;
        }
        if (source.Length > size)
        {
            return SnapshotReadResult.Malformed;
        }
        var header = new SnapshotHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source[1..]), BinaryPrimitives.ReadUInt16LittleEndian(source[5..]),
            source[7], source[8], source[9], source[10]);
        if (!SnapshotQuantizer.IsValid(header))
        {
            return SnapshotReadResult.Malformed;
        }
        into.Header = header;
        var o = BinaryHeaderBytes;
        for (var i = 0; i < tanks; i++, o += BinaryTankBytes)
        {
            var d = source.Slice(o, BinaryTankBytes);
            var tank = new QuantizedTank(
                BinaryPrimitives.ReadUInt16LittleEndian(d), d[2], d[3], BinaryPrimitives.ReadInt32LittleEndian(d[4..]),
                BinaryPrimitives.ReadInt32LittleEndian(d[8..]), BinaryPrimitives.ReadUInt16LittleEndian(d[12..]),
                BinaryPrimitives.ReadUInt16LittleEndian(d[14..]), BinaryPrimitives.ReadUInt16LittleEndian(d[16..]), d[18] == 1, d[19],
                BinaryPrimitives.ReadInt16LittleEndian(d[20..]), BinaryPrimitives.ReadInt16LittleEndian(d[22..]));
            if (d[18] > 1 || d[28] > SeenByAll || !SnapshotQuantizer.IsValidCoordinate(tank.X) || !SnapshotQuantizer.IsValidCoordinate(tank.Y)
                || (i > 0 && into._tanks[i - 1].Id >= tank.Id))
            {
                into.Clear(default);
                return SnapshotReadResult.Malformed;
            }
            into._lastInputs[into._tankCount] = BinaryPrimitives.ReadUInt32LittleEndian(d[24..]);
            into._tankSeenBy[into._tankCount] = d[28];
            into._tanks[into._tankCount++] = tank;
        }
        for (var i = 0; i < shells; i++, o += BinaryShellBytes)
        {
            var d = source.Slice(o, BinaryShellBytes);
            var shell = new QuantizedShell(
                BinaryPrimitives.ReadUInt32LittleEndian(d), BinaryPrimitives.ReadUInt16LittleEndian(d[4..]),
                BinaryPrimitives.ReadInt32LittleEndian(d[6..]), BinaryPrimitives.ReadInt32LittleEndian(d[10..]),
                BinaryPrimitives.ReadUInt16LittleEndian(d[14..]), BinaryPrimitives.ReadUInt16LittleEndian(d[16..]),
                BinaryPrimitives.ReadUInt32LittleEndian(d[18..]));
            if (d[22] > SeenByAll || !SnapshotQuantizer.IsValidCoordinate(shell.X) || !SnapshotQuantizer.IsValidCoordinate(shell.Y)
                || (i > 0 && into._shells[i - 1].Id >= shell.Id))
            {
                into.Clear(default);
                return SnapshotReadResult.Malformed;
            }
            into._shellSeenBy[into._shellCount] = d[22];
            into._shells[into._shellCount++] = shell;
        }
        return SnapshotReadResult.Ok;
    }
}
