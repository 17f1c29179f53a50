namespace Tanks.Protocol.Game;

/// <summary>Client → server <c>JoinQueue</c>: <c>01 02 class:u8</c> (3 bytes).</summary>
public readonly record struct JoinQueueMessage(byte TankClassId)
{
    public const int Size = 3;

    public int WriteTo(Span<byte> destination)
    {
        GameProtocol.WriteHeader(destination, GameMessageType.JoinQueue, Size);
        destination[2] = TankClassId;
        return Size;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out JoinQueueMessage message)
    {
        message = default;
        var result = GameProtocol.Check(payload, GameMessageType.JoinQueue, Size);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (payload.Length != Size)
        {
            return GameMessageReadResult.BadLength;
        }
        message = new JoinQueueMessage(payload[2]);
        return GameMessageReadResult.Ok;
    }
}

/// <summary>The header-only messages: <c>LeaveQueue</c> (<c>02 02</c>) and <c>Leave</c> (<c>04 02</c>), 2 bytes each.</summary>
public static class EmptyMessage
{
    public const int Size = GameProtocol.HeaderBytes;

    /// <summary>Writes a <see cref="GameMessageType.LeaveQueue"/> or <see cref="GameMessageType.Leave"/>.</summary>
    public static int Write(Span<byte> destination, GameMessageType type)
    {
        if (type is not (GameMessageType.LeaveQueue or GameMessageType.Leave))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "only LeaveQueue and Leave have no body");
        }
        GameProtocol.WriteHeader(destination, type, Size);
        return Size;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, GameMessageType type)
    {
        var result = GameProtocol.Check(payload, type, Size);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        return payload.Length == Size ? GameMessageReadResult.Ok : GameMessageReadResult.BadLength;
    }
}

/// <summary>Where a player stands with the matchmaker.</summary>
public enum QueueState : byte
{
    Idle = 0,
    Queued = 1,
    InBattle = 2,
}

/// <summary>
/// Server → client <c>QueueStatus</c>: <c>81 02 state:u8 position:u16 length:u16 waitedSeconds:u16</c> (9 bytes).
/// Position is 1-based while queued, 0 otherwise.
/// </summary>
public readonly record struct QueueStatusMessage(QueueState State, ushort Position, ushort QueueLength, ushort WaitedSeconds)
{
    public const int Size = 9;

    public int WriteTo(Span<byte> destination)
    {
        GameProtocol.WriteHeader(destination, GameMessageType.QueueStatus, Size);
        destination[2] = (byte)State;
        GameProtocol.U16(destination, 3, Position);
        GameProtocol.U16(destination, 5, QueueLength);
        GameProtocol.U16(destination, 7, WaitedSeconds);
        return Size;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out QueueStatusMessage message)
    {
        message = default;
        var result = GameProtocol.Check(payload, GameMessageType.QueueStatus, Size);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (payload.Length != Size)
        {
            return GameMessageReadResult.BadLength;
        }
        if (payload[2] > (byte)QueueState.InBattle)
        {
            return GameMessageReadResult.BadValue;
        }
        message = new QueueStatusMessage(
            (QueueState)payload[2], GameProtocol.U16(payload, 3), GameProtocol.U16(payload, 5), GameProtocol.U16(payload, 7));
        return GameMessageReadResult.Ok;
    }
}
