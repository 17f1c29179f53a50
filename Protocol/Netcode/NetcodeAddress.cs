using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Tanks.Protocol.Netcode;

/// <summary>
/// An IPv4 or IPv6 address + port as a token carries it: type u8, then 4 octets in dotted order or 8 u16 LE
/// groups, then the port u16 LE (7 or 19 bytes). A small value type, usable as a dictionary key, that compares
/// with a <see cref="SocketAddress"/> filled by <c>Socket.ReceiveFrom(Span, SocketFlags, SocketAddress)</c>
/// without allocating. IPv4-mapped IPv6 socket addresses (dual-mode sockets) compare as their IPv4 address.
/// </summary>
public readonly struct NetcodeAddress : IEquatable<NetcodeAddress>
{
    // The 16 address bytes in network order, big-endian packed: IPv4 uses the low 32 bits of _low only.
    private readonly ulong _high;
    private readonly ulong _low;

    private NetcodeAddress(NetcodeAddressType type, ulong high, ulong low, ushort port)
    {
        Type = type;
        _high = high;
        _low = low;
        Port = port;
    }

    /// <summary>IPv4 or IPv6 (None for default).</summary>
    public NetcodeAddressType Type { get; }

    /// <summary>The port in host order.</summary>
    public ushort Port { get; }

    /// <summary>Bytes this address takes in a token: 7 (IPv4) or 19 (IPv6).</summary>
    public int EncodedLength => Type == NetcodeAddressType.IPv6 ? NetcodeConstants.AddressIPv6Bytes : NetcodeConstants.AddressIPv4Bytes;

    /// <summary>An IPv4 address a.b.c.d:port.</summary>
    public static NetcodeAddress IPv4(byte a, byte b, byte c, byte d, ushort port) =>
        new(NetcodeAddressType.IPv4, 0, ((ulong)a << 24) | ((ulong)b << 16) | ((ulong)c << 8) | d, port);

    /// <summary>An IPv6 address from its 16 bytes in network order.</summary>
    public static NetcodeAddress IPv6(ReadOnlySpan<byte> address16, ushort port)
    {
        if (address16.Length != 16)
        {
            throw new ArgumentException("An IPv6 address is 16 bytes.", nameof(address16));
        }

        return new(NetcodeAddressType.IPv6, BinaryPrimitives.ReadUInt64BigEndian(address16), BinaryPrimitives.ReadUInt64BigEndian(address16[8..]), port);
    }

    /// <summary>From an <see cref="IPAddress"/> (IPv4 or IPv6, scope id dropped) and a port.</summary>
    public static NetcodeAddress FromIPAddress(IPAddress address, ushort port)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return IPv4(bytes[0], bytes[1], bytes[2], bytes[3], port);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            address.TryWriteBytes(bytes, out _);
            return IPv6(bytes, port);
        }

        throw new ArgumentException($"Not an IP address family: {address.AddressFamily}.", nameof(address));
    }

    /// <summary>From an <see cref="IPEndPoint"/>.</summary>
    public static NetcodeAddress FromIPEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return FromIPAddress(endPoint.Address, (ushort)endPoint.Port);
    }

    /// <summary>Parses "a.b.c.d:port" or "[ipv6]:port" (the reference's syntax); a port is required.</summary>
    public static bool TryParse(string? text, out NetcodeAddress address)
    {
        address = default;
        if (string.IsNullOrEmpty(text) || !IPEndPoint.TryParse(text, out var endPoint))
        {
            return false;
        }

        var hasPort = text[^1] != ']' && text.LastIndexOf(':') > text.LastIndexOf(']');
        if (!hasPort || (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && text[0] != '['))
        {
            return false;
        }

        address = FromIPEndPoint(endPoint);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> on failure.</summary>
    public static NetcodeAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"Not an address with port: '{text}'.");

    /// <summary>
    /// Reads the address of a received <see cref="SocketAddress"/> without allocating. IPv4-mapped IPv6
    /// (::ffff:a.b.c.d) becomes IPv4. False for other families or a short buffer.
    /// </summary>
    public static bool TryFromSocketAddress(SocketAddress socketAddress, out NetcodeAddress address)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        address = default;
        // sockaddr_in / sockaddr_in6: port (network order) at 2, IPv4 at 4, IPv6 at 8 (same on Windows, Linux, macOS).
        var span = socketAddress.Buffer.Span[..socketAddress.Size];
        switch (socketAddress.Family)
        {
            case AddressFamily.InterNetwork when span.Length >= 8:
                address = new(NetcodeAddressType.IPv4, 0, BinaryPrimitives.ReadUInt32BigEndian(span[4..]), BinaryPrimitives.ReadUInt16BigEndian(span[2..]));
                return true;

            case AddressFamily.InterNetworkV6 when span.Length >= 24:
                var port = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
                var high = BinaryPrimitives.ReadUInt64BigEndian(span[8..]);
                var low = BinaryPrimitives.ReadUInt64BigEndian(span[16..]);
                address = high == 0 && (low >> 32) == 0xFFFF
                    ? new(NetcodeAddressType.IPv4, 0, low & 0xFFFF_FFFF, port)
                    : new(NetcodeAddressType.IPv6, high, low, port);
                return true;

            default:
                return false;
        }
    }

    /// <summary>True when the socket address is this address and port (allocation-free).</summary>
    public bool Matches(SocketAddress socketAddress) => TryFromSocketAddress(socketAddress, out var other) && Equals(other);

    /// <summary>Writes the token encoding (7 or 19 bytes) and returns its length.</summary>
    public int Write(Span<byte> dest)
    {
        switch (Type)
        {
            case NetcodeAddressType.IPv4:
                dest[..NetcodeConstants.AddressIPv4Bytes].Clear();
                dest[0] = (byte)NetcodeAddressType.IPv4;
                BinaryPrimitives.WriteUInt32BigEndian(dest[1..], (uint)_low);
                BinaryPrimitives.WriteUInt16LittleEndian(dest[5..], Port);
                return NetcodeConstants.AddressIPv4Bytes;

            case NetcodeAddressType.IPv6:
                dest[0] = (byte)NetcodeAddressType.IPv6;
                for (var i = 0; i < 8; i++)
                {
                    var group = (ushort)((i < 4 ? _high : _low) >> (48 - (16 * (i & 3))));
                    BinaryPrimitives.WriteUInt16LittleEndian(dest[(1 + (2 * i))..], group);
                }

                BinaryPrimitives.WriteUInt16LittleEndian(dest[17..], Port);
                return NetcodeConstants.AddressIPv6Bytes;

            default:
                throw new InvalidOperationException("A default NetcodeAddress cannot be written.");
        }
    }

    /// <summary>
    /// Reads one token address. False when the type byte is neither 1 nor 2 or the source is too short.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out NetcodeAddress address, out int bytesRead)
    {
        address = default;
        bytesRead = 0;
        if (source.IsEmpty)
        {
            return false;
        }

        switch ((NetcodeAddressType)source[0])
        {
            case NetcodeAddressType.IPv4 when source.Length >= NetcodeConstants.AddressIPv4Bytes:
                address = new(NetcodeAddressType.IPv4, 0, BinaryPrimitives.ReadUInt32BigEndian(source[1..]), BinaryPrimitives.ReadUInt16LittleEndian(source[5..]));
                bytesRead = NetcodeConstants.AddressIPv4Bytes;
                return true;

            case NetcodeAddressType.IPv6 when source.Length >= NetcodeConstants.AddressIPv6Bytes:
                ulong high = 0;
                ulong low = 0;
                for (var i = 0; i < 4; i++)
                {
                    high = (high << 16) | BinaryPrimitives.ReadUInt16LittleEndian(source[(1 + (2 * i))..]);
                    low = (low << 16) | BinaryPrimitives.ReadUInt16LittleEndian(source[(9 + (2 * i))..]);
                }

                address = new(NetcodeAddressType.IPv6, high, low, BinaryPrimitives.ReadUInt16LittleEndian(source[17..]));
                bytesRead = NetcodeConstants.AddressIPv6Bytes;
                return true;

            default:
                return false;
        }
    }

    /// <summary>The address as an <see cref="IPEndPoint"/> (allocates; not for the packet path).</summary>
    public IPEndPoint ToIPEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        switch (Type)
        {
            case NetcodeAddressType.IPv4:
                BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)_low);
                return new IPEndPoint(new IPAddress(bytes[..4]), Port);
            case NetcodeAddressType.IPv6:
                BinaryPrimitives.WriteUInt64BigEndian(bytes, _high);
                BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _low);
                return new IPEndPoint(new IPAddress(bytes), Port);
            default:
                throw new InvalidOperationException("A default NetcodeAddress has no end point.");
        }
    }

    /// <summary>A <see cref="SocketAddress"/> to send to (allocates; make it once per peer).</summary>
    public SocketAddress ToSocketAddress() => ToIPEndPoint().Serialize();

    /// <inheritdoc />
    public bool Equals(NetcodeAddress other) =>
        Type == other.Type && Port == other.Port && _high == other._high && _low == other._low;

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is NetcodeAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Port, _high, _low);

    /// <summary>"a.b.c.d:port" or "[ipv6]:port".</summary>
    public override string ToString() => Type == NetcodeAddressType.None ? "(none)" : ToIPEndPoint().ToString();

    /// <summary>Value equality.</summary>
    public static bool operator ==(NetcodeAddress left, NetcodeAddress right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(NetcodeAddress left, NetcodeAddress right) => !left.Equals(right);
}
