namespace Tanks.Protocol.Game;

/// <summary>Why the server sent <see cref="ProtocolErrorMessage"/>. Readers accept codes they do not know (later servers may add some).</summary>
public enum ProtocolErrorCode : byte
{
    /// <summary>The client's message carried another protocol version in byte 1; byte 1 of the answer is the server's.</summary>
    UnsupportedVersion = 1,
}

/// <summary>
/// Server → client <c>ProtocolError</c>: <c>8F serverVersion:u8 code:u8</c> (3 bytes). The one message whose layout is the
/// same in every protocol version, so a client of any version can read it: byte 1 is the version the server speaks (not a
/// layout version), byte 2 a <see cref="ProtocolErrorCode"/>. The gateway answers a client message of another version
/// with it (at most once a second per client).
/// </summary>
public readonly record struct ProtocolErrorMessage(byte ServerVersion, ProtocolErrorCode Code)
{
    public const int Size = 3;

    public int WriteTo(Span<byte> destination)
    {
        GameProtocol.WriteHeader(destination, GameMessageType.ProtocolError, Size);
        destination[1] = ServerVersion;
        destination[2] = (byte)Code;
        return Size;
    }

    /// <summary>Reads any version's <c>ProtocolError</c> (byte 1 is not checked against <see cref="GameProtocol.Version"/>).</summary>
    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out ProtocolErrorMessage message)
    {
        message = default;
        var result = GameProtocol.Check(payload, GameMessageType.ProtocolError, Size);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (payload.Length != Size)
        {
            return GameMessageReadResult.BadLength;
        }
        message = new ProtocolErrorMessage(payload[1], (ProtocolErrorCode)payload[2]);
        return GameMessageReadResult.Ok;
    }
}
