using System.Buffers.Binary;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Game;

/// <summary>Kinds of <see cref="WireEvent"/> (the kind byte on the wire). Positions are cm as in the world state.</summary>
public enum WireEventKind : byte
{
    /// <summary>
    /// 19 bytes: kind, shooter u16, shell id u32, launch x i32, y i32 (cm), angle u16, speed u16 (dm/s). The shell left the
    /// muzzle at (x, y) at the start of the event's tick (it flies its first segment during that tick).
    /// </summary>
    Shot = 1,

    /// <summary>19 bytes: kind, shell id u32, target u16, damage u16, shooter u16, impact x i32, y i32 (cm).</summary>
    Hit = 2,

    /// <summary>5 bytes: kind, target u16, killer u16.</summary>
    Destroyed = 3,

    /// <summary>3 bytes: kind, team u8 (0/1), progress u8 (0..100).</summary>
    CaptureProgress = 4,

    /// <summary>16 bytes: kind, shell id u32, shooter u16, x i32, y i32 (cm), reason u8 (<see cref="ShellStopCode"/>).</summary>
    ShellStopped = 5,

    /// <summary>
    /// 14 bytes: kind, tank u16, spotter u16, team u8, x i32, y i32 (cm). <c>team</c> now sees enemy <c>tank</c>, at (x, y),
    /// first seen by <c>spotter</c>. Both teams get it: the spotted side learns that it was seen and by which tank id.
    /// </summary>
    Spotted = 6,

    /// <summary>14 bytes as <see cref="Spotted"/> (spotter = 0xFFFF): <c>team</c> lost sight of <c>tank</c>, last seen at (x, y).</summary>
    Lost = 7,
}

/// <summary>Why a shell stopped without hitting a tank (the reason byte of <see cref="WireEventKind.ShellStopped"/>).</summary>
public enum ShellStopCode : byte
{
    Obstacle = 1,
    MapEdge = 2,
    Range = 3,
}

/// <summary>
/// One battle event as it travels; fields a kind does not carry are zero. X, Y in centimetres (0..1,048,575 as in the
/// world state), <see cref="Angle"/> in u16 units (0..65535 = [0, 2π)), <see cref="Speed"/> in dm/s.
/// </summary>
public readonly record struct WireEvent(
    WireEventKind Kind, ushort Shooter, ushort Target, uint ShellId, ushort Damage, byte Team, byte Progress,
    int X = 0, int Y = 0, ushort Angle = 0, ushort Speed = 0, ShellStopCode Reason = 0)
{
    public static WireEvent Shot(ushort shooter, uint shellId, int x, int y, ushort angle, ushort speed) =>
        new(WireEventKind.Shot, shooter, 0, shellId, 0, 0, 0, x, y, angle, speed);

    public static WireEvent Hit(uint shellId, ushort target, ushort damage, ushort shooter, int x, int y) =>
        new(WireEventKind.Hit, shooter, target, shellId, damage, 0, 0, x, y);

    public static WireEvent Destroyed(ushort target, ushort killer) => new(WireEventKind.Destroyed, killer, target, 0, 0, 0, 0);

    public static WireEvent Capture(byte team, byte progress) => new(WireEventKind.CaptureProgress, 0, 0, 0, 0, team, progress);

    public static WireEvent ShellStopped(uint shellId, ushort shooter, int x, int y, ShellStopCode reason) =>
        new(WireEventKind.ShellStopped, shooter, 0, shellId, 0, 0, 0, x, y, Reason: reason);

    /// <summary>A spotting change (<see cref="WireEventKind.Spotted"/> or <see cref="WireEventKind.Lost"/>): Target = the
    /// seen tank, Shooter = the spotter (0xFFFF for none), Team = the team whose view changed.</summary>
    public static WireEvent Spotting(WireEventKind kind, ushort tank, ushort spotter, byte team, int x, int y) =>
        new(kind, spotter, tank, 0, 0, team, 0, x, y);

    /// <summary>Bytes on the wire, kind byte included; 0 for an unknown kind.</summary>
    public static int SizeOf(WireEventKind kind) => kind switch
    {
        WireEventKind.Shot => 19,
        WireEventKind.Hit => 19,
        WireEventKind.Destroyed => 5,
        WireEventKind.CaptureProgress => 3,
        WireEventKind.ShellStopped => 16,
        WireEventKind.Spotted or WireEventKind.Lost => 14,
        _ => 0,
    };
}

/// <summary>
/// Server → client <c>BattleEvents</c>: <c>84 02 tick:u32 count:u8 events…</c>, each event a kind byte and its fields
/// (see <see cref="WireEventKind"/>); at most 255 events and 1200 bytes: a tick with more is sent as several messages.
/// </summary>
public static class BattleEventsMessage
{
    public const int FixedBytes = GameProtocol.HeaderBytes + 4 + 1;
    public const int MaxEvents = 255;

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out BattleEventsView view)
    {
        view = default;
        var result = GameProtocol.Check(payload, GameMessageType.BattleEvents, FixedBytes);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        result = Walk(payload, out var length);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (length != payload.Length)
        {
            return GameMessageReadResult.BadLength;
        }
        view = new BattleEventsView(GameProtocol.U32(payload, 2), payload[6], payload[FixedBytes..]);
        return GameMessageReadResult.Ok;
    }

    /// <summary>
    /// The length of the first <c>BattleEvents</c> message in <paramref name="messages"/> (several written back to back, as
    /// the SessionGrain's frames carry them); false when the bytes do not start with a valid message.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> messages, out int length)
    {
        length = 0;
        if (messages.Length < FixedBytes || messages[0] != (byte)GameMessageType.BattleEvents || messages[1] != GameProtocol.Version)
        {
            return false;
        }
        if (Walk(messages, out var n) != GameMessageReadResult.Ok || n > GameProtocol.MaxMessageBytes)
        {
            return false;
        }
        length = n;
        return true;
    }

    /// <summary>Checks the events the count announces and returns where they end (the message may be followed by more bytes).</summary>
    private static GameMessageReadResult Walk(ReadOnlySpan<byte> payload, out int end)
    {
        end = 0;
        int count = payload[6];
        var o = FixedBytes;
        for (var i = 0; i < count; i++)
        {
            if (o >= payload.Length)
            {
                return GameMessageReadResult.BadLength;
            }
            var kind = (WireEventKind)payload[o];
            var size = WireEvent.SizeOf(kind);
            if (size == 0)
            {
                return GameMessageReadResult.BadValue;
            }
            if (o + size > payload.Length)
            {
                return GameMessageReadResult.BadLength;
            }
            var d = payload.Slice(o, size);
            var valid = kind switch
            {
                WireEventKind.CaptureProgress => d[1] <= 1 && d[2] <= 100,
                WireEventKind.Shot => ValidXY(d, 7),
                WireEventKind.Hit => ValidXY(d, 11),
                WireEventKind.ShellStopped => ValidXY(d, 7) && d[15] is >= (byte)ShellStopCode.Obstacle and <= (byte)ShellStopCode.Range,
                WireEventKind.Spotted or WireEventKind.Lost => d[5] <= 1 && ValidXY(d, 6),
                _ => true,
            };
            if (!valid)
            {
                return GameMessageReadResult.BadValue;
            }
            o += size;
        }
        end = o;
        return GameMessageReadResult.Ok;
    }

    private static bool ValidXY(ReadOnlySpan<byte> d, int offset) =>
        SnapshotQuantizer.IsValidCoordinate(BinaryPrimitives.ReadInt32LittleEndian(d[offset..]))
        && SnapshotQuantizer.IsValidCoordinate(BinaryPrimitives.ReadInt32LittleEndian(d[(offset + 4)..]));
}

/// <summary>Builds a <c>BattleEvents</c> message in place: <see cref="TryAdd"/> until it returns false, then <see cref="Finish"/>.</summary>
public ref struct BattleEventsWriter
{
    private readonly Span<byte> _destination;
    private int _offset;

    public BattleEventsWriter(Span<byte> destination, uint tick)
    {
        GameProtocol.WriteHeader(destination, GameMessageType.BattleEvents, BattleEventsMessage.FixedBytes);
        GameProtocol.U32(destination, 2, tick);
        destination[6] = 0;
        _destination = destination.Length > GameProtocol.MaxMessageBytes ? destination[..GameProtocol.MaxMessageBytes] : destination;
        _offset = BattleEventsMessage.FixedBytes;
    }

    public int Count { readonly get; private set; }

    /// <summary>Appends an event; false (nothing written) when the message is full (255 events or 1200 bytes).</summary>
    public bool TryAdd(in WireEvent e)
    {
        var size = WireEvent.SizeOf(e.Kind);
        if (size == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "unknown event kind");
        }
        if (e.Kind == WireEventKind.CaptureProgress && (e.Team > 1 || e.Progress > 100))
        {
            throw new ArgumentOutOfRangeException(nameof(e), "team 0/1, progress 0..100");
        }
        if (e.Kind is WireEventKind.Shot or WireEventKind.Hit or WireEventKind.ShellStopped or WireEventKind.Spotted or WireEventKind.Lost
            && (!SnapshotQuantizer.IsValidCoordinate(e.X) || !SnapshotQuantizer.IsValidCoordinate(e.Y)))
        {
            throw new ArgumentOutOfRangeException(nameof(e), "x and y are 0..1,048,575 cm (SnapshotQuantizer.Position)");
        }
        if (e.Kind == WireEventKind.ShellStopped && e.Reason is < ShellStopCode.Obstacle or > ShellStopCode.Range)
        {
            throw new ArgumentOutOfRangeException(nameof(e), e.Reason, "stop reason 1..3");
        }
        if (Count == BattleEventsMessage.MaxEvents || _offset + size > _destination.Length)
        {
            return false;
        }
        var d = _destination[_offset..];
        d[0] = (byte)e.Kind;
        switch (e.Kind)
        {
            case WireEventKind.Shot:
                GameProtocol.U16(d, 1, e.Shooter);
                GameProtocol.U32(d, 3, e.ShellId);
                XY(d, 7, e);
                GameProtocol.U16(d, 15, e.Angle);
                GameProtocol.U16(d, 17, e.Speed);
                break;
            case WireEventKind.Hit:
                GameProtocol.U32(d, 1, e.ShellId);
                GameProtocol.U16(d, 5, e.Target);
                GameProtocol.U16(d, 7, e.Damage);
                GameProtocol.U16(d, 9, e.Shooter);
                XY(d, 11, e);
                break;
            case WireEventKind.Destroyed:
                GameProtocol.U16(d, 1, e.Target);
                GameProtocol.U16(d, 3, e.Shooter);
                break;
            case WireEventKind.ShellStopped:
                GameProtocol.U32(d, 1, e.ShellId);
                GameProtocol.U16(d, 5, e.Shooter);
                XY(d, 7, e);
                d[15] = (byte)e.Reason;
                break;
            case WireEventKind.Spotted or WireEventKind.Lost:
                GameProtocol.U16(d, 1, e.Target);
                GameProtocol.U16(d, 3, e.Shooter);
                d[5] = e.Team;
                XY(d, 6, e);
                break;
            default:
                d[1] = e.Team;
                d[2] = e.Progress;
                break;
        }
        _offset += size;
        Count++;
        _destination[6] = (byte)Count;
        return true;
    }

    /// <summary>The message length so far.</summary>
    public readonly int Finish() => _offset;

    private static void XY(Span<byte> d, int offset, in WireEvent e)
    {
        BinaryPrimitives.WriteInt32LittleEndian(d[offset..], e.X);
        BinaryPrimitives.WriteInt32LittleEndian(d[(offset + 4)..], e.Y);
    }
}

/// <summary>A validated <c>BattleEvents</c>; enumerate it with foreach.</summary>
public readonly ref struct BattleEventsView
{
    private readonly ReadOnlySpan<byte> _events;

    internal BattleEventsView(uint tick, int count, ReadOnlySpan<byte> events)
    {
        Tick = tick;
        Count = count;
        _events = events;
    }

    public uint Tick { get; }
    public int Count { get; }

    public Enumerator GetEnumerator() => new(_events);

    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _events;
        private int _next;

        internal Enumerator(ReadOnlySpan<byte> events)
        {
            _events = events;
            _next = 0;
            Current = default;
        }

        public WireEvent Current { get; private set; }

        public bool MoveNext()
        {
            if (_next >= _events.Length)
            {
                return false;
            }
            var d = _events[_next..];
            var kind = (WireEventKind)d[0];
            Current = kind switch
            {
                WireEventKind.Shot => WireEvent.Shot(
                    GameProtocol.U16(d, 1), GameProtocol.U32(d, 3), I32(d, 7), I32(d, 11), GameProtocol.U16(d, 15), GameProtocol.U16(d, 17)),
                WireEventKind.Hit => WireEvent.Hit(
                    GameProtocol.U32(d, 1), GameProtocol.U16(d, 5), GameProtocol.U16(d, 7), GameProtocol.U16(d, 9), I32(d, 11), I32(d, 15)),
                WireEventKind.Destroyed => WireEvent.Destroyed(GameProtocol.U16(d, 1), GameProtocol.U16(d, 3)),
                WireEventKind.ShellStopped => WireEvent.ShellStopped(
                    GameProtocol.U32(d, 1), GameProtocol.U16(d, 5), I32(d, 7), I32(d, 11), (ShellStopCode)d[15]),
                WireEventKind.Spotted or WireEventKind.Lost => WireEvent.Spotting(
                    kind, GameProtocol.U16(d, 1), GameProtocol.U16(d, 3), d[5], I32(d, 6), I32(d, 10)),
                _ => WireEvent.Capture(d[1], d[2]),
            };
            _next += WireEvent.SizeOf(kind);
            return true;
        }

        private static int I32(ReadOnlySpan<byte> d, int offset) => BinaryPrimitives.ReadInt32LittleEndian(d[offset..]);
    }
}
