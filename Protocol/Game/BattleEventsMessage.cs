namespace Tanks.Protocol.Game;

/// <summary>Kinds of <see cref="WireEvent"/> (the kind byte on the wire).</summary>
public enum WireEventKind : byte
{
    /// <summary>7 bytes: kind, shooter u16, shell id u32.</summary>
    Shot = 1,

    /// <summary>11 bytes: kind, shell id u32, target u16, damage u16, shooter u16.</summary>
    Hit = 2,

    /// <summary>5 bytes: kind, target u16, killer u16.</summary>
    Destroyed = 3,

    /// <summary>3 bytes: kind, team u8 (0/1), progress u8 (0..100).</summary>
    CaptureProgress = 4,
}

/// <summary>One battle event as it travels; fields a kind does not carry are zero.</summary>
public readonly record struct WireEvent(
    WireEventKind Kind, ushort Shooter, ushort Target, uint ShellId, ushort Damage, byte Team, byte Progress)
{
    public static WireEvent Shot(ushort shooter, uint shellId) => new(WireEventKind.Shot, shooter, 0, shellId, 0, 0, 0);

    public static WireEvent Hit(uint shellId, ushort target, ushort damage, ushort shooter) =>
        new(WireEventKind.Hit, shooter, target, shellId, damage, 0, 0);

    public static WireEvent Destroyed(ushort target, ushort killer) => new(WireEventKind.Destroyed, killer, target, 0, 0, 0, 0);

    public static WireEvent Capture(byte team, byte progress) => new(WireEventKind.CaptureProgress, 0, 0, 0, 0, team, progress);

    /// <summary>Bytes on the wire, kind byte included; 0 for an unknown kind.</summary>
    public static int SizeOf(WireEventKind kind) => kind switch
    {
        WireEventKind.Shot => 7,
        WireEventKind.Hit => 11,
        WireEventKind.Destroyed => 5,
        WireEventKind.CaptureProgress => 3,
        _ => 0,
    };
}

/// <summary>
/// Server → client <c>BattleEvents</c>: <c>84 01 tick:u32 count:u8 events…</c>, each event a kind byte and its fields
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
        int count = payload[6];
        var o = FixedBytes;
        for (var i = 0; i < count; i++)
        {
            if (o >= payload.Length)
            {
                return GameMessageReadResult.BadLength;
            }
            var size = WireEvent.SizeOf((WireEventKind)payload[o]);
            if (size == 0)
            {
                return GameMessageReadResult.BadValue;
            }
            if (o + size > payload.Length)
            {
                return GameMessageReadResult.BadLength;
            }
            if ((WireEventKind)payload[o] == WireEventKind.CaptureProgress && (payload[o + 1] > 1 || payload[o + 2] > 100))
            {
                return GameMessageReadResult.BadValue;
            }
            o += size;
        }
        if (o != payload.Length)
        {
            return GameMessageReadResult.BadLength;
        }
        view = new BattleEventsView(GameProtocol.U32(payload, 2), count, payload[FixedBytes..]);
        return GameMessageReadResult.Ok;
    }
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
                break;
            case WireEventKind.Hit:
                GameProtocol.U32(d, 1, e.ShellId);
                GameProtocol.U16(d, 5, e.Target);
                GameProtocol.U16(d, 7, e.Damage);
                GameProtocol.U16(d, 9, e.Shooter);
                break;
            case WireEventKind.Destroyed:
                GameProtocol.U16(d, 1, e.Target);
                GameProtocol.U16(d, 3, e.Shooter);
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
                WireEventKind.Shot => WireEvent.Shot(GameProtocol.U16(d, 1), GameProtocol.U32(d, 3)),
                WireEventKind.Hit => WireEvent.Hit(GameProtocol.U32(d, 1), GameProtocol.U16(d, 5), GameProtocol.U16(d, 7), GameProtocol.U16(d, 9)),
                WireEventKind.Destroyed => WireEvent.Destroyed(GameProtocol.U16(d, 1), GameProtocol.U16(d, 3)),
                _ => WireEvent.Capture(d[1], d[2]),
            };
            _next += WireEvent.SizeOf(kind);
            return true;
        }
    }
}
