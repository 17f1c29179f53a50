using System.Buffers.Binary;

namespace Tanks.Game;

public sealed partial class Battle
{
    private const int HeaderBytes = 4 + 8 + 4 + 4 * 2 + 4 * 2 + 4 + 4 + 4 + 4 + 4;
    private const int TankBytes = 4 * 4 + 8 + 4 * 7 + 4 * 5 + 1 + 4 * 6;
    private const int ShellBytes = 4 * 12;

    /// <summary>The battle-wide part of the world state.</summary>
    public BattleStateHeader Header => new(
        _tick, TicksLeft, TimeLeftSeconds, _capture[0], _capture[1], _tanks.Length, _shellCount, _result);

    /// <summary>Copies every tank (index = id) into <paramref name="destination"/>; returns the count.</summary>
    public int WriteTanks(Span<TankSnapshot> destination)
    {
        if (destination.Length < _tanks.Length)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }
        for (var i = 0; i < _tanks.Length; i++)
        {
            var t = _tanks[i];
            destination[i] = new TankSnapshot(
                (ushort)t.Id, (byte)t.Team, (byte)t.ClassId, t.X, t.Y, t.HullAngle, t.TurretAngle,
                t.VelocityX, t.VelocityY, t.HitPoints, t.IsAlive, t.ReloadTicksLeft);
        }
        return _tanks.Length;
    }

    /// <summary>Copies the shells in flight into <paramref name="destination"/> (size it with <see cref="ShellCapacity"/>); returns the count.</summary>
    public int WriteShells(Span<ShellSnapshot> destination)
    {
        if (destination.Length < _shellCount)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }
        for (var i = 0; i < _shellCount; i++)
        {
            ref readonly var s = ref _shells[i];
            destination[i] = new ShellSnapshot(s.Id, (ushort)s.Owner, s.X, s.Y, s.Angle);
        }
        return _shellCount;
    }

    /// <summary>The size of <see cref="WriteBinary"/>'s output for the current state.</summary>
    public int BinarySize => HeaderBytes + _tanks.Length * TankBytes + _shellCount * ShellBytes;

    /// <summary>The largest <see cref="BinarySize"/> this battle can reach.</summary>
    public int MaxBinarySize => HeaderBytes + _tanks.Length * TankBytes + _shells.Length * ShellBytes;

    /// <summary>
    /// Writes the complete, unquantized simulation state (everything that influences future ticks, plus stats) as
    /// little-endian bytes: equal bytes mean equal states. For determinism checks, desync detection and replays.
    /// </summary>
    public int WriteBinary(Span<byte> destination)
    {
        if (destination.Length < BinarySize)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }
        var w = new Writer(destination);
        w.Int(_tick);
        w.ULong(_random.State);
        w.UInt(_nextShellId);
        w.Float(_capture[0]);
        w.Float(_capture[1]);
        w.Int(_captureReported[0]);
        w.Int(_captureReported[1]);
        w.Int(_result.Winner);
        w.Int((int)_result.Reason);
        w.Int(_result.Tick);
        w.Int(_tanks.Length);
        w.Int(_shellCount);
        foreach (var t in _tanks)
        {
            w.Int(t.Id);
            w.Int(t.Team);
            w.Int(t.ClassId);
            w.Int(t.HitPoints);
            w.Long(t.PlayerId);
            w.Float(t.X);
            w.Float(t.Y);
            w.Float(t.HullAngle);
            w.Float(t.TurretAngle);
            w.Float(t.Speed);
            w.Float(t.VelocityX);
            w.Float(t.VelocityY);
            w.Int(t.ReloadTicksLeft);
            w.Int(t.KilledBy);
            w.Int(t.DestroyedTick);
            w.Int(t.MaxHitPoints);
            w.Float(t.Radius);
            w.Byte(t.IsAlive ? (byte)1 : (byte)0);
            var s = t.StatsField;
            w.Int(s.Shots);
            w.Int(s.Hits);
            w.Int(s.DamageDealt);
            w.Int(s.DamageReceived);
            w.Int(s.Kills);
            w.Int(s.FriendlyDamageDealt);
        }
        for (var i = 0; i < _shellCount; i++)
        {
            ref readonly var s = ref _shells[i];
            w.UInt(s.Id);
            w.Int(s.Owner);
            w.Int(s.Team);
            w.Float(s.X);
            w.Float(s.Y);
            w.Float(s.Angle);
            w.Float(s.DirX);
            w.Float(s.DirY);
            w.Float(s.Speed);
            w.Float(s.RangeLeft);
            w.Int(s.Damage);
            w.Int(s.FiredTick);
        }
        return w.Position;
    }

    /// <summary>FNV-1a 64 of <see cref="WriteBinary"/>'s bytes: a cheap desync check (client prediction vs server).</summary>
    public ulong StateChecksum()
    {
        _checksumBuffer ??= new byte[MaxBinarySize];
        var n = WriteBinary(_checksumBuffer);
        var hash = 14695981039346656037UL;
        for (var i = 0; i < n; i++)
        {
            hash = (hash ^ _checksumBuffer[i]) * 1099511628211UL;
        }
        return hash;
    }

    private byte[]? _checksumBuffer;

    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        public int Position;

        public void Byte(byte v) => _buffer[Position++] = v;

        public void Int(int v)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer[Position..], v);
            Position += 4;
        }

        public void UInt(uint v)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer[Position..], v);
            Position += 4;
        }

        public void Long(long v)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_buffer[Position..], v);
            Position += 8;
        }

        public void ULong(ulong v)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Position..], v);
            Position += 8;
        }

        public void Float(float v)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_buffer[Position..], v);
            Position += 4;
        }
    }
}
