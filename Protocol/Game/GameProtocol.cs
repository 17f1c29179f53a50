using System.Buffers.Binary;

namespace Tanks.Protocol.Game;

/// <summary>Constants and the common two-byte header of game messages (type, version); all integers little-endian.</summary>
public static class GameProtocol
{
    /// <summary>
    /// The layout version in byte 1. A reader rejects any other value (<see cref="GameMessageReadResult.UnsupportedVersion"/>),
    /// except in <see cref="GameMessageType.ProtocolError"/>, whose layout never changes (its byte 1 is the sender's version).
    /// Version 2: <c>BattleDefinition</c>, the definition hash in <c>BattleStart</c>, the input ack in <c>Snapshot</c>,
    /// positions in <c>BattleEvents</c>, <c>ProtocolError</c>.
    /// </summary>
    public const byte Version = 2;

    /// <summary>Type byte + version byte.</summary>
    public const int HeaderBytes = 2;

    /// <summary>Every game message fits one netcode payload.</summary>
    public const int MaxMessageBytes = 1200;

    /// <summary>Most players in a roster (<see cref="BattleStartMessage"/>, <see cref="BattleEndMessage"/>).</summary>
    public const int MaxPlayers = 64;

    /// <summary>True for the types this protocol version defines.</summary>
    public static bool IsKnown(GameMessageType type) => type is
        GameMessageType.JoinQueue or GameMessageType.LeaveQueue or GameMessageType.Input or GameMessageType.Leave or
        GameMessageType.QueueStatus or GameMessageType.BattleStart or GameMessageType.Snapshot or
        GameMessageType.BattleEvents or GameMessageType.BattleEnd or GameMessageType.BattleDefinition or
        GameMessageType.ProtocolError or
        GameMessageType.PlatoonInvite or GameMessageType.PlatoonAnswer or GameMessageType.PlatoonLeave or
        GameMessageType.PlatoonKick or GameMessageType.PlatoonUpdate;

    /// <summary>True for client-to-server types (below 0x80).</summary>
    public static bool IsClientToServer(GameMessageType type) => (byte)type < 0x80;

    /// <summary>Checks length bounds, type and version; <paramref name="type"/> is byte 0 when the verdict is Ok.</summary>
    public static GameMessageReadResult ReadHeader(ReadOnlySpan<byte> payload, out GameMessageType type)
    {
        type = default;
        if (payload.Length < HeaderBytes)
        {
            return GameMessageReadResult.TooShort;
        }
        if (payload.Length > MaxMessageBytes)
        {
            return GameMessageReadResult.TooLarge;
        }
        var t = (GameMessageType)payload[0];
        if (!IsKnown(t))
        {
            return GameMessageReadResult.UnknownType;
        }
        if (payload[1] != Version && t != GameMessageType.ProtocolError)
        {
            return GameMessageReadResult.UnsupportedVersion;
        }
        type = t;
        return GameMessageReadResult.Ok;
    }

    /// <summary>Header check for a reader of <paramref name="expected"/>, plus a minimum length.</summary>
    internal static GameMessageReadResult Check(ReadOnlySpan<byte> payload, GameMessageType expected, int minLength)
    {
        var result = ReadHeader(payload, out var type);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (type != expected)
        {
            return GameMessageReadResult.WrongType;
        }
        return payload.Length < minLength ? GameMessageReadResult.BadLength : GameMessageReadResult.Ok;
    }

    /// <summary>Writes the header; throws if <paramref name="destination"/> cannot hold <paramref name="size"/> bytes (a caller bug).</summary>
    internal static void WriteHeader(Span<byte> destination, GameMessageType type, int size)
    {
        if (destination.Length < size)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, the message needs {size}", nameof(destination));
        }
        destination[0] = (byte)type;
        destination[1] = Version;
    }

    internal static void U16(Span<byte> d, int offset, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(d[offset..], v);

    internal static void U32(Span<byte> d, int offset, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(d[offset..], v);

    internal static ushort U16(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(s[offset..]);

    internal static uint U32(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(s[offset..]);
}
