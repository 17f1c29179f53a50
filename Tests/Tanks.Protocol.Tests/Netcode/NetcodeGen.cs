using CsCheck;
using Tanks.Protocol.Netcode;

namespace Tanks.Protocol.Tests.Netcode;

/// <summary>CsCheck generators for netcode values.</summary>
internal static class NetcodeGen
{
    public static readonly Gen<NetcodeAddress> Address = Gen.Bool.SelectMany(v6 => v6
        ? Gen.Select(Gen.Byte.Array[16], Gen.UShort, (bytes, port) => NetcodeAddress.IPv6(bytes, port))
        : Gen.Select(Gen.Byte.Array[4], Gen.UShort, (b, port) => NetcodeAddress.IPv4(b[0], b[1], b[2], b[3], port)));

    /// <summary>Sequences of every byte length, not only 8-byte ones.</summary>
    public static readonly Gen<ulong> Sequence = Gen.Select(Gen.ULong, Gen.Int[0, 64], (value, shift) => shift == 64 ? 0 : value >> shift);

    public static readonly Gen<byte[]> Key = Gen.Byte.Array[NetcodeConstants.KeyBytes];

    public static readonly Gen<NetcodeConnectTokenPrivate> PrivateToken =
        from clientId in Gen.ULong
        from timeout in Gen.Int
        from addresses in Address.Array[1, NetcodeConstants.MaxServersPerConnect]
        from c2s in Key
        from s2c in Key
        from userData in Gen.Byte.Array[NetcodeConstants.UserDataBytes]
        select Build(clientId, timeout, addresses, c2s, s2c, userData);

    /// <summary>A packet type 1..6 with a body of the right size for it (payloads up to <paramref name="maxPayload"/> bytes).</summary>
    public static Gen<(NetcodePacketType Type, byte[] Body)> Body(int maxPayload) =>
        Gen.Int[1, 6].SelectMany(t => (NetcodePacketType)t switch
        {
            NetcodePacketType.ConnectionChallenge or NetcodePacketType.ConnectionResponse =>
                Gen.Byte.Array[NetcodeConstants.ChallengeBodyBytes].Select(b => ((NetcodePacketType)t, b)),
            NetcodePacketType.KeepAlive => Gen.Byte.Array[NetcodeConstants.KeepAliveBodyBytes].Select(b => ((NetcodePacketType)t, b)),
            NetcodePacketType.Payload => Gen.Byte.Array[1, maxPayload].Select(b => ((NetcodePacketType)t, b)),
            _ => Gen.Const(((NetcodePacketType)t, Array.Empty<byte>())),
        });

    /// <summary>Writes a packet of any type 1..6 through the public typed writers.</summary>
    public static int Write(Span<byte> dest, NetcodePacketType type, ulong sequence, byte[] body, ulong protocolId, NSec.Cryptography.Key key) => type switch
    {
        NetcodePacketType.ConnectionDenied => NetcodePacketWriter.WriteConnectionDenied(dest, sequence, protocolId, key),
        NetcodePacketType.ConnectionChallenge => NetcodePacketWriter.WriteConnectionChallenge(dest, sequence, BitConverter.ToUInt64(body), body.AsSpan(8), protocolId, key),
        NetcodePacketType.ConnectionResponse => NetcodePacketWriter.WriteConnectionResponse(dest, sequence, BitConverter.ToUInt64(body), body.AsSpan(8), protocolId, key),
        NetcodePacketType.KeepAlive => NetcodePacketWriter.WriteKeepAlive(dest, sequence, BitConverter.ToUInt32(body), BitConverter.ToUInt32(body, 4), protocolId, key),
        NetcodePacketType.Payload => NetcodePacketWriter.WritePayload(dest, sequence, body, protocolId, key),
        NetcodePacketType.Disconnect => NetcodePacketWriter.WriteDisconnect(dest, sequence, protocolId, key),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static NetcodeConnectTokenPrivate Build(ulong clientId, int timeout, NetcodeAddress[] addresses, byte[] c2s, byte[] s2c, byte[] userData)
    {
        var token = new NetcodeConnectTokenPrivate { ClientId = clientId, TimeoutSeconds = timeout };
        token.SetServerAddresses(addresses);
        c2s.CopyTo(token.ClientToServerKey);
        s2c.CopyTo(token.ServerToClientKey);
        userData.CopyTo(token.UserData);
        return token;
    }
}
