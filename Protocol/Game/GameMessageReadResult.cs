namespace Tanks.Protocol.Game;

/// <summary>The verdict of a game message reader; every value but <see cref="Ok"/> means "drop the payload".</summary>
public enum GameMessageReadResult
{
    /// <summary>Well formed; the out value is valid.</summary>
    Ok = 0,

    /// <summary>Fewer than the two header bytes.</summary>
    TooShort,

    /// <summary>Longer than <see cref="GameProtocol.MaxMessageBytes"/>.</summary>
    TooLarge,

    /// <summary>Byte 0 is not a known <see cref="GameMessageType"/>.</summary>
    UnknownType,

    /// <summary>A known type, but not the one this reader parses.</summary>
    WrongType,

    /// <summary>Byte 1 is not <see cref="GameProtocol.Version"/>.</summary>
    UnsupportedVersion,

    /// <summary>The length does not match the layout of the type (fixed size, or what the counts announce).</summary>
    BadLength,

    /// <summary>A field is out of its documented range (enum value, count limit, reserved bits, invalid UTF-8).</summary>
    BadValue,
}
