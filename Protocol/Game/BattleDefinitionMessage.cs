using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Tanks.Protocol.Game;

/// <summary>The shape byte of a <see cref="DefinitionObstacle"/>.</summary>
public enum DefinitionObstacleShape : byte
{
    Circle = 0,
    Box = 1,
}

/// <summary>
/// An obstacle as the simulation has it: a circle uses <see cref="Radius"/>; a box <see cref="HalfWidth"/> (local X),
/// <see cref="HalfHeight"/> (local Y), rotated counter-clockwise by <see cref="AngleDegrees"/> about (X, Y). Metres.
/// </summary>
public readonly record struct DefinitionObstacle(
    DefinitionObstacleShape Shape, float X, float Y, float Radius, float HalfWidth, float HalfHeight, float AngleDegrees);

/// <summary>An axis-aligned spawn rectangle (centre, half extents, metres) and the facing of its tanks (degrees, CCW from +X).</summary>
public readonly record struct DefinitionSpawn(float X, float Y, float HalfWidth, float HalfHeight, float FacingDegrees);

/// <summary>The capture base: a circle (metres).</summary>
public readonly record struct DefinitionBase(float X, float Y, float Radius);

/// <summary>The battle rules a client needs, as the simulation runs them.</summary>
public readonly record struct DefinitionRules(
    byte TickRate,
    float TimeLimitSeconds,
    float CapturePoints,
    float CapturePointsPerTankPerSecond,
    int MaxCapturingTanks,
    float CaptureDecayPerSecond,
    bool FriendlyFire,
    bool ResetCaptureOnDamage);

/// <summary>A tank class exactly as the simulation is configured with it (metres, seconds, degrees; index = class id).</summary>
public sealed record DefinitionTankClass(
    string Name,
    float Acceleration,
    float MaxForwardSpeed,
    float MaxReverseSpeed,
    float HullTurnDegreesPerSecond,
    float TurretTraverseDegreesPerSecond,
    float Radius,
    int HitPoints,
    float ReloadSeconds,
    float ShellSpeed,
    int ShellDamage,
    float ShellRange,
    float DamageSpread,
    float DispersionDegrees,
    float ViewRange = 200f,
    float CamouflageStationary = 0f,
    float CamouflageMoving = 0f,
    float CamouflageFiring = 0f);

/// <summary>A battle's definition: the map (bounds, obstacles, spawns of team 0 and 1, base), the rules, the tank classes.</summary>
public sealed record BattleDefinition(
    string MapName,
    float Width,
    float Height,
    DefinitionBase Base,
    DefinitionSpawn Spawn0,
    DefinitionSpawn Spawn1,
    DefinitionRules Rules,
    IReadOnlyList<DefinitionTankClass> Classes,
    IReadOnlyList<DefinitionObstacle> Obstacles)
{
    /// <summary>Structural equality of the lists too (records compare lists by reference).</summary>
    public bool ContentEquals(BattleDefinition other) =>
        MapName == other.MapName && Width.Equals(other.Width) && Height.Equals(other.Height) && Base == other.Base
        && Spawn0 == other.Spawn0 && Spawn1 == other.Spawn1 && Rules == other.Rules
        && Classes.SequenceEqual(other.Classes) && Obstacles.SequenceEqual(other.Obstacles);
}

/// <summary>A definition ready to send: its hash and its <c>BattleDefinition</c> messages (parts), in order.</summary>
public sealed record BattleDefinitionPackage(ulong Hash, IReadOnlyList<byte[]> Messages, int BodyBytes);

/// <summary>
/// Server → client <c>BattleDefinition</c> part: <c>87 02 hash:8 part:u8 data</c>. The definition's <b>body</b> (layout in
/// docs/protocol.md and <see cref="WriteBody"/>) is split like a snapshot: part byte = index &lt;&lt; 4 | (count − 1), up to 16
/// parts, every part but the last exactly <see cref="PartDataBytes"/> (1189) bytes; the receiver concatenates parts
/// 0..count−1 of one hash. Hash = the first 8 bytes of SHA-256 of the body (read as a little-endian u64), also in
/// <c>BattleStart</c>: a client that holds a body of that hash already may keep it. Floats are IEEE-754 binary32, the
/// exact values the simulation runs with. The body of the largest definition the limits allow (512 obstacles, 16
/// classes with 32-byte names, a 32-byte map name) is 14,534 bytes = 13 parts; a 7v7 map is one part.
/// </summary>
public static class BattleDefinitionMessage
{
    public const int PartHeaderBytes = GameProtocol.HeaderBytes + 8 + 1;
    public const int PartDataBytes = GameProtocol.MaxMessageBytes - PartHeaderBytes;
    public const int MaxParts = 16;
    public const int MaxBodyBytes = MaxParts * PartDataBytes;
    public const int MaxObstacles = 512;
    public const int MaxClasses = 16;
    public const int MaxNameBytes = 32;

    /// <summary>Rules (22) + width, height (8) + base (12) + two spawns (40): the fixed start of the body.</summary>
    public const int FixedBodyBytes = 22 + 8 + 12 + 40;
    public const int ClassStatsBytes = 17 * 4;
    public const int ObstacleBytes = 1 + 6 * 4;

    private const byte FlagFriendlyFire = 1;
    private const byte FlagResetCapture = 2;

    /// <summary>The body's size for these names and counts.</summary>
    public static int BodySize(BattleDefinition d)
    {
        var size = FixedBodyBytes + 1 + Encoding.UTF8.GetByteCount(d.MapName) + 1 + 2 + d.Obstacles.Count * ObstacleBytes;
        foreach (var c in d.Classes)
        {
            size += 1 + Encoding.UTF8.GetByteCount(c.Name) + ClassStatsBytes;
        }
        return size;
    }

    /// <summary>The definition hash of a body: its SHA-256's first 8 bytes as a little-endian u64.</summary>
    public static ulong Hash(ReadOnlySpan<byte> body)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(body, digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }

    /// <summary>Writes the body; throws <see cref="ArgumentException"/> for a definition outside the limits (a caller bug).</summary>
    public static int WriteBody(BattleDefinition d, Span<byte> destination)
    {
        var mapName = Name(d.MapName, nameof(d.MapName));
        if (d.Classes.Count is 0 or > MaxClasses)
        {
            throw new ArgumentException($"1..{MaxClasses} tank classes", nameof(d));
        }
        if (d.Obstacles.Count > MaxObstacles)
        {
            throw new ArgumentException($"at most {MaxObstacles} obstacles", nameof(d));
        }
        if (d.Rules.TickRate is 0 or > 240)
        {
            throw new ArgumentException("tick rate 1..240", nameof(d));
        }
        var size = BodySize(d);
        if (destination.Length < size)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, the body needs {size}", nameof(destination));
        }
        var w = new Writer(destination);
        var r = d.Rules;
        w.U8(r.TickRate);
        w.U8((byte)((r.FriendlyFire ? FlagFriendlyFire : 0) | (r.ResetCaptureOnDamage ? FlagResetCapture : 0)));
        w.F32(r.TimeLimitSeconds);
        w.F32(r.CapturePoints);
        w.F32(r.CapturePointsPerTankPerSecond);
        w.I32(r.MaxCapturingTanks);
        w.F32(r.CaptureDecayPerSecond);
        w.F32(d.Width);
        w.F32(d.Height);
        w.F32(d.Base.X);
        w.F32(d.Base.Y);
        w.F32(d.Base.Radius);
        foreach (var s in (ReadOnlySpan<DefinitionSpawn>)[d.Spawn0, d.Spawn1])
        {
            w.F32(s.X);
            w.F32(s.Y);
            w.F32(s.HalfWidth);
            w.F32(s.HalfHeight);
            w.F32(s.FacingDegrees);
        }
        w.Bytes(mapName);
        w.U8((byte)d.Classes.Count);
        foreach (var c in d.Classes)
        {
            w.Bytes(Name(c.Name, nameof(c.Name)));
            w.F32(c.Acceleration);
            w.F32(c.MaxForwardSpeed);
            w.F32(c.MaxReverseSpeed);
            w.F32(c.HullTurnDegreesPerSecond);
            w.F32(c.TurretTraverseDegreesPerSecond);
            w.F32(c.Radius);
            w.I32(c.HitPoints);
            w.F32(c.ReloadSeconds);
            w.F32(c.ShellSpeed);
            w.I32(c.ShellDamage);
            w.F32(c.ShellRange);
            w.F32(c.DamageSpread);
            w.F32(c.DispersionDegrees);
            w.F32(c.ViewRange);
            w.F32(c.CamouflageStationary);
            w.F32(c.CamouflageMoving);
            w.F32(c.CamouflageFiring);
        }
        w.U16((ushort)d.Obstacles.Count);
        foreach (var o in d.Obstacles)
        {
            if (o.Shape is not (DefinitionObstacleShape.Circle or DefinitionObstacleShape.Box))
            {
                throw new ArgumentException("obstacle shape 0 (circle) or 1 (box)", nameof(d));
            }
            w.U8((byte)o.Shape);
            w.F32(o.X);
            w.F32(o.Y);
            w.F32(o.Radius);
            w.F32(o.HalfWidth);
            w.F32(o.HalfHeight);
            w.F32(o.AngleDegrees);
        }
        if (!w.AllFinite)
        {
            throw new ArgumentException("every float of a definition must be finite", nameof(d));
        }
        return w.Offset;
    }

    /// <summary>Body, hash and messages (allocates: once per battle).</summary>
    public static BattleDefinitionPackage Build(BattleDefinition definition)
    {
        var body = new byte[BodySize(definition)];
        WriteBody(definition, body);
        if (body.Length > MaxBodyBytes)
        {
            throw new ArgumentException($"the definition's body ({body.Length} bytes) exceeds {MaxBodyBytes}", nameof(definition));
        }
        var hash = Hash(body);
        var count = Math.Max(1, (body.Length + PartDataBytes - 1) / PartDataBytes);
        var messages = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var data = body.AsSpan(i * PartDataBytes, Math.Min(PartDataBytes, body.Length - i * PartDataBytes));
            messages[i] = new byte[PartHeaderBytes + data.Length];
            WritePart(messages[i], hash, i, count, data);
        }
        return new BattleDefinitionPackage(hash, messages, body.Length);
    }

    public static int WritePart(Span<byte> destination, ulong hash, int index, int count, ReadOnlySpan<byte> data)
    {
        if (count is < 1 or > MaxParts || (uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "1..16 parts, index < count");
        }
        if (data.Length is 0 or > PartDataBytes || (index < count - 1 && data.Length != PartDataBytes))
        {
            throw new ArgumentException("1..1189 bytes per part, exactly 1189 in every part but the last", nameof(data));
        }
        var size = PartHeaderBytes + data.Length;
        GameProtocol.WriteHeader(destination, GameMessageType.BattleDefinition, size);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[2..], hash);
        destination[10] = (byte)(index << 4 | (count - 1));
        data.CopyTo(destination[PartHeaderBytes..]);
        return size;
    }

    public static GameMessageReadResult TryReadPart(ReadOnlySpan<byte> payload, out BattleDefinitionPartView part)
    {
        part = default;
        var result = GameProtocol.Check(payload, GameMessageType.BattleDefinition, PartHeaderBytes + 1);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        var index = payload[10] >> 4;
        var count = (payload[10] & 0x0F) + 1;
        if (index >= count)
        {
            return GameMessageReadResult.BadValue;
        }
        var data = payload[PartHeaderBytes..];
        if (index < count - 1 && data.Length != PartDataBytes)
        {
            return GameMessageReadResult.BadLength;
        }
        part = new BattleDefinitionPartView(BinaryPrimitives.ReadUInt64LittleEndian(payload[2..]), index, count, data);
        return GameMessageReadResult.Ok;
    }

    /// <summary>
    /// Reads an assembled body: exact length, counts within the limits, names 1..32 bytes of valid UTF-8, every float
    /// finite, tick rate 1..240, reserved flag bits and shapes; never throws. (The hash is checked by the assembler.)
    /// </summary>
    public static GameMessageReadResult TryReadBody(ReadOnlySpan<byte> body, out BattleDefinitionView view)
    {
        view = default;
        if (body.Length < FixedBodyBytes + 1)
        {
            return GameMessageReadResult.BadLength;
        }
        if (body[0] is 0 or > 240 || (body[1] & ~(FlagFriendlyFire | FlagResetCapture)) != 0)
        {
            return GameMessageReadResult.BadValue;
        }
        for (var o = 2; o < FixedBodyBytes; o += 4)
        {
            if (o != 14 && !float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(body[o..])))
            {
                return GameMessageReadResult.BadValue; // offset 14 is the int max capturing tanks
            }
        }
        var p = FixedBodyBytes;
        var nameResult = SkipName(body, ref p);
        if (nameResult != GameMessageReadResult.Ok)
        {
            return nameResult;
        }
        if (p >= body.Length)
        {
            return GameMessageReadResult.BadLength;
        }
        int classes = body[p++];
        if (classes is 0 or > MaxClasses)
        {
            return GameMessageReadResult.BadValue;
        }
        var classStart = p;
        for (var i = 0; i < classes; i++)
        {
            nameResult = SkipName(body, ref p);
            if (nameResult != GameMessageReadResult.Ok)
            {
                return nameResult;
            }
            if (p + ClassStatsBytes > body.Length)
            {
                return GameMessageReadResult.BadLength;
            }
            for (var f = 0; f < 17; f++)
            {
                if (f is not (6 or 9) && !float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(body[(p + 4 * f)..])))
                {
                    return GameMessageReadResult.BadValue; // fields 6 and 9 are the ints hit points and shell damage
                }
            }
            p += ClassStatsBytes;
        }
        if (p + 2 > body.Length)
        {
            return GameMessageReadResult.BadLength;
        }
        int obstacles = BinaryPrimitives.ReadUInt16LittleEndian(body[p..]);
        p += 2;
        if (obstacles > MaxObstacles)
        {
            return GameMessageReadResult.BadValue;
        }
        if (body.Length != p + obstacles * ObstacleBytes)
        {
            return GameMessageReadResult.BadLength;
        }
        var obstacleStart = p;
        for (var i = 0; i < obstacles; i++, p += ObstacleBytes)
        {
            if (body[p] > (byte)DefinitionObstacleShape.Box)
            {
                return GameMessageReadResult.BadValue;
            }
            for (var f = 0; f < 6; f++)
            {
                if (!float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(body[(p + 1 + 4 * f)..])))
                {
                    return GameMessageReadResult.BadValue;
                }
            }
        }
        view = new BattleDefinitionView(body, classes, classStart, obstacles, obstacleStart);
        return GameMessageReadResult.Ok;
    }

    private static GameMessageReadResult SkipName(ReadOnlySpan<byte> body, ref int p)
    {
        if (p >= body.Length)
        {
            return GameMessageReadResult.BadLength;
        }
        int length = body[p];
        if (length is 0 or > MaxNameBytes)
        {
            return GameMessageReadResult.BadValue;
        }
        if (p + 1 + length > body.Length)
        {
            return GameMessageReadResult.BadLength;
        }
        if (!Utf8.IsValid(body.Slice(p + 1, length)))
        {
            return GameMessageReadResult.BadValue;
        }
        p += 1 + length;
        return GameMessageReadResult.Ok;
    }

    private static byte[] Name(string name, string what)
    {
        var bytes = Encoding.UTF8.GetBytes(name ?? "");
        if (bytes.Length is 0 or > MaxNameBytes)
        {
            throw new ArgumentException($"{what} must be 1..{MaxNameBytes} bytes of UTF-8", what);
        }
        var prefixed = new byte[bytes.Length + 1];
        prefixed[0] = (byte)bytes.Length;
        bytes.CopyTo(prefixed, 1);
        return prefixed;
    }

    private ref struct Writer(Span<byte> destination)
    {
        private readonly Span<byte> _d = destination;

        public int Offset { get; private set; }

        public bool AllFinite { get; private set; } = true;

        public void U8(byte v) => _d[Offset++] = v;

        public void U16(ushort v)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_d[Offset..], v);
            Offset += 2;
        }

        public void I32(int v)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_d[Offset..], v);
            Offset += 4;
        }

        public void F32(float v)
        {
            AllFinite &= float.IsFinite(v);
            BinaryPrimitives.WriteSingleLittleEndian(_d[Offset..], v);
            Offset += 4;
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_d[Offset..]);
            Offset += bytes.Length;
        }
    }
}

/// <summary>A validated <c>BattleDefinition</c> part, read in place.</summary>
public readonly ref struct BattleDefinitionPartView
{
    internal BattleDefinitionPartView(ulong hash, int partIndex, int partCount, ReadOnlySpan<byte> data)
    {
        Hash = hash;
        PartIndex = partIndex;
        PartCount = partCount;
        Data = data;
    }

    public ulong Hash { get; }
    public int PartIndex { get; }
    public int PartCount { get; }
    public ReadOnlySpan<byte> Data { get; }
}

/// <summary>A validated definition body, read in place; <see cref="ToDefinition"/> builds the model (allocates).</summary>
public readonly ref struct BattleDefinitionView
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly int _classStart;
    private readonly int _obstacleStart;

    internal BattleDefinitionView(ReadOnlySpan<byte> body, int classCount, int classStart, int obstacleCount, int obstacleStart)
    {
        _body = body;
        ClassCount = classCount;
        _classStart = classStart;
        ObstacleCount = obstacleCount;
        _obstacleStart = obstacleStart;
    }

    public int ClassCount { get; }
    public int ObstacleCount { get; }

    public DefinitionRules Rules => new(
        _body[0], F(2), F(6), F(10), BinaryPrimitives.ReadInt32LittleEndian(_body[14..]), F(18), (_body[1] & 1) != 0, (_body[1] & 2) != 0);

    public float Width => F(22);
    public float Height => F(26);
    public DefinitionBase Base => new(F(30), F(34), F(38));
    public DefinitionSpawn Spawn0 => Spawn(42);
    public DefinitionSpawn Spawn1 => Spawn(62);
    public ReadOnlySpan<byte> MapNameUtf8 => _body.Slice(BattleDefinitionMessage.FixedBodyBytes + 1, _body[BattleDefinitionMessage.FixedBodyBytes]);

    public DefinitionTankClass Class(int index)
    {
        if ((uint)index >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        var p = _classStart;
        for (var i = 0; i < index; i++)
        {
            p += 1 + _body[p] + BattleDefinitionMessage.ClassStatsBytes;
        }
        var name = Encoding.UTF8.GetString(_body.Slice(p + 1, _body[p]));
        p += 1 + _body[p];
        return new DefinitionTankClass(
            name, F(p), F(p + 4), F(p + 8), F(p + 12), F(p + 16), F(p + 20), BinaryPrimitives.ReadInt32LittleEndian(_body[(p + 24)..]),
            F(p + 28), F(p + 32), BinaryPrimitives.ReadInt32LittleEndian(_body[(p + 36)..]), F(p + 40), F(p + 44), F(p + 48),
            F(p + 52), F(p + 56), F(p + 60), F(p + 64));
    }

    public DefinitionObstacle Obstacle(int index)
    {
        if ((uint)index >= (uint)ObstacleCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        var p = _obstacleStart + index * BattleDefinitionMessage.ObstacleBytes;
        return new DefinitionObstacle((DefinitionObstacleShape)_body[p], F(p + 1), F(p + 5), F(p + 9), F(p + 13), F(p + 17), F(p + 21));
    }

    public BattleDefinition ToDefinition()
    {
        var classes = new DefinitionTankClass[ClassCount];
        for (var i = 0; i < classes.Length; i++)
        {
            classes[i] = Class(i);
        }
        var obstacles = new DefinitionObstacle[ObstacleCount];
        for (var i = 0; i < obstacles.Length; i++)
        {
            obstacles[i] = Obstacle(i);
        }
        return new BattleDefinition(Encoding.UTF8.GetString(MapNameUtf8), Width, Height, Base, Spawn0, Spawn1, Rules, classes, obstacles);
    }

    private DefinitionSpawn Spawn(int o) => new(F(o), F(o + 4), F(o + 8), F(o + 12), F(o + 16));

    private float F(int offset) => BinaryPrimitives.ReadSingleLittleEndian(_body[offset..]);
}

/// <summary>
/// Collects the parts of one definition (the newest hash seen; a part of another hash starts over), checks the hash of
/// the whole and reads it. One per client connection; allocates only its buffer and the parsed model.
/// </summary>
public sealed class BattleDefinitionAssembler
{
    private readonly byte[] _buffer = new byte[BattleDefinitionMessage.MaxBodyBytes];
    private ulong _hash;
    private int _count;
    private int _received;
    private int _length;

    /// <summary>
    /// Takes one <c>BattleDefinition</c> payload. Ok with <paramref name="definition"/> set once the last part of a hash is
    /// in and the body's SHA-256 matches; Ok with null while parts are missing; any other verdict drops the payload
    /// (BadValue also for a body whose hash does not match).
    /// </summary>
    public GameMessageReadResult Receive(ReadOnlySpan<byte> payload, out BattleDefinition? definition, out ulong hash)
    {
        definition = null;
        hash = 0;
        var result = BattleDefinitionMessage.TryReadPart(payload, out var part);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        hash = part.Hash;
        if (part.Hash != _hash || part.PartCount != _count || _received == 0)
        {
            (_hash, _count, _received, _length) = (part.Hash, part.PartCount, 0, 0);
        }
        part.Data.CopyTo(_buffer.AsSpan(part.PartIndex * BattleDefinitionMessage.PartDataBytes));
        _received |= 1 << part.PartIndex;
        if (part.PartIndex == part.PartCount - 1)
        {
            _length = part.PartIndex * BattleDefinitionMessage.PartDataBytes + part.Data.Length;
        }
        if (_received != (1 << part.PartCount) - 1)
        {
            return GameMessageReadResult.Ok;
        }
        var body = _buffer.AsSpan(0, _length);
        _received = 0;
        if (BattleDefinitionMessage.Hash(body) != part.Hash)
        {
            return GameMessageReadResult.BadValue;
        }
        result = BattleDefinitionMessage.TryReadBody(body, out var view);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        definition = view.ToDefinition();
        return GameMessageReadResult.Ok;
    }
}
