using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Tanks.Protocol.Netcode;

/// <summary>
/// The public connect token (2048 bytes) the client receives: version info, protocol id, create and expire
/// timestamps, 24-byte nonce, sealed private token (1024), timeout seconds, public server addresses,
/// client-to-server key, server-to-client key, zero pad. An instance can be reused for every read.
/// </summary>
public sealed class NetcodeConnectToken
{
    private readonly NetcodeAddress[] _serverAddresses = new NetcodeAddress[NetcodeConstants.MaxServersPerConnect];

    /// <summary>The application's protocol id.</summary>
    public ulong ProtocolId { get; set; }

    /// <summary>Unix seconds when the token was made.</summary>
    public ulong CreateTimestamp { get; set; }

    /// <summary>Unix seconds when the token stops being accepted (<see cref="NetcodeConstants.NeverExpires"/> for never).</summary>
    public ulong ExpireTimestamp { get; set; }

    /// <summary>The random XChaCha20 nonce of the private part (24 bytes, filled in place).</summary>
    public byte[] Nonce { get; } = new byte[NetcodeConstants.ConnectTokenNonceBytes];

    /// <summary>The sealed private part (1024 bytes, filled in place).</summary>
    public byte[] SealedPrivateToken { get; } = new byte[NetcodeConstants.ConnectTokenPrivateBytes];

    /// <summary>Seconds of silence before a side times out; negative disables the timeout.</summary>
    public int TimeoutSeconds { get; set; }

    /// <summary>Number of entries of <see cref="ServerAddresses"/>.</summary>
    public int ServerAddressCount { get; private set; }

    /// <summary>The public addresses the client tries, in order.</summary>
    public ReadOnlySpan<NetcodeAddress> ServerAddresses => _serverAddresses.AsSpan(0, ServerAddressCount);

    /// <summary>Client-to-server key (32 bytes, filled in place).</summary>
    public byte[] ClientToServerKey { get; } = new byte[NetcodeConstants.KeyBytes];

    /// <summary>Server-to-client key (32 bytes, filled in place).</summary>
    public byte[] ServerToClientKey { get; } = new byte[NetcodeConstants.KeyBytes];

    /// <summary>Replaces the server address list (1..32 entries).</summary>
    public void SetServerAddresses(ReadOnlySpan<NetcodeAddress> addresses)
    {
        if (addresses.Length is < 1 or > NetcodeConstants.MaxServersPerConnect)
        {
            throw new ArgumentOutOfRangeException(nameof(addresses), addresses.Length, "A token lists 1..32 server addresses.");
        }

        foreach (var address in addresses)
        {
            if (address.Type == NetcodeAddressType.None)
            {
                throw new ArgumentException("A server address must be IPv4 or IPv6.", nameof(addresses));
            }
        }

        addresses.CopyTo(_serverAddresses);
        ServerAddressCount = addresses.Length;
    }

    /// <summary>Writes the 2048-byte token.</summary>
    public int Write(Span<byte> dest)
    {
        if (dest.Length < NetcodeConstants.ConnectTokenBytes)
        {
            throw new ArgumentException("A connect token needs 2048 bytes.", nameof(dest));
        }

        if (ServerAddressCount == 0)
        {
            throw new InvalidOperationException("Set the server addresses first.");
        }

        var token = dest[..NetcodeConstants.ConnectTokenBytes];
        token.Clear();
        NetcodeConstants.VersionInfo.CopyTo(token);
        BinaryPrimitives.WriteUInt64LittleEndian(token[NetcodeConstants.TokenProtocolIdOffset..], ProtocolId);
        BinaryPrimitives.WriteUInt64LittleEndian(token[NetcodeConstants.TokenCreateTimestampOffset..], CreateTimestamp);
        BinaryPrimitives.WriteUInt64LittleEndian(token[NetcodeConstants.TokenExpireTimestampOffset..], ExpireTimestamp);
        Nonce.CopyTo(token[NetcodeConstants.TokenNonceOffset..]);
        SealedPrivateToken.CopyTo(token[NetcodeConstants.TokenPrivateOffset..]);
        BinaryPrimitives.WriteInt32LittleEndian(token[NetcodeConstants.TokenTimeoutOffset..], TimeoutSeconds);
        BinaryPrimitives.WriteUInt32LittleEndian(token[(NetcodeConstants.TokenTimeoutOffset + 4)..], (uint)ServerAddressCount);
        var offset = NetcodeConstants.TokenTimeoutOffset + 8;
        foreach (var address in ServerAddresses)
        {
            offset += address.Write(token[offset..]);
        }

        ClientToServerKey.CopyTo(token[offset..]);
        ServerToClientKey.CopyTo(token[(offset + NetcodeConstants.KeyBytes)..]);
        return NetcodeConstants.ConnectTokenBytes;
    }

    /// <summary>
    /// Reads a 2048-byte token into <paramref name="into"/> with the client's checks: exact length, version,
    /// create &lt;= expire, 1..32 addresses of type 1 or 2. The private part is copied, not opened.
    /// </summary>
    public static TokenReadResult TryRead(ReadOnlySpan<byte> token, NetcodeConnectToken into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (token.Length != NetcodeConstants.ConnectTokenBytes)
        {
            return TokenReadResult.BadLength;
        }

        if (!token[..NetcodeConstants.VersionInfoBytes].SequenceEqual(NetcodeConstants.VersionInfo))
        {
            return TokenReadResult.BadVersion;
        }

        into.ProtocolId = BinaryPrimitives.ReadUInt64LittleEndian(token[NetcodeConstants.TokenProtocolIdOffset..]);
        into.CreateTimestamp = BinaryPrimitives.ReadUInt64LittleEndian(token[NetcodeConstants.TokenCreateTimestampOffset..]);
        into.ExpireTimestamp = BinaryPrimitives.ReadUInt64LittleEndian(token[NetcodeConstants.TokenExpireTimestampOffset..]);
        if (into.CreateTimestamp > into.ExpireTimestamp)
        {
            return TokenReadResult.CreateAfterExpire;
        }

        token.Slice(NetcodeConstants.TokenNonceOffset, NetcodeConstants.ConnectTokenNonceBytes).CopyTo(into.Nonce);
        token.Slice(NetcodeConstants.TokenPrivateOffset, NetcodeConstants.ConnectTokenPrivateBytes).CopyTo(into.SealedPrivateToken);
        into.TimeoutSeconds = BinaryPrimitives.ReadInt32LittleEndian(token[NetcodeConstants.TokenTimeoutOffset..]);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(token[(NetcodeConstants.TokenTimeoutOffset + 4)..]);
        into.ServerAddressCount = 0;
        if (count is < 1 or > NetcodeConstants.MaxServersPerConnect)
        {
            return TokenReadResult.BadAddressCount;
        }

        var offset = NetcodeConstants.TokenTimeoutOffset + 8;
        for (var i = 0; i < (int)count; i++)
        {
            if (!NetcodeAddress.TryRead(token[offset..], out into._serverAddresses[i], out var read))
            {
                return TokenReadResult.BadAddressType;
            }

            offset += read;
        }

        into.ServerAddressCount = (int)count;
        token.Slice(offset, NetcodeConstants.KeyBytes).CopyTo(into.ClientToServerKey);
        token.Slice(offset + NetcodeConstants.KeyBytes, NetcodeConstants.KeyBytes).CopyTo(into.ServerToClientKey);
        return TokenReadResult.Ok;
    }

    /// <summary>
    /// Mints a token as the reference's generator does: expire = create + expireSeconds (or never when
    /// negative), the private part sealed under <paramref name="privateKey"/> with a fresh random nonce.
    /// The keys and timeout of the public part are copied from <paramref name="privateToken"/>.
    /// </summary>
    public static NetcodeConnectToken Generate(
        NetcodeConnectTokenPrivate privateToken,
        ReadOnlySpan<NetcodeAddress> publicServerAddresses,
        ulong protocolId,
        ulong createTimestamp,
        long expireSeconds,
        Key privateKey)
    {
        Span<byte> nonce = stackalloc byte[NetcodeConstants.ConnectTokenNonceBytes];
        RandomNumberGenerator.Fill(nonce);
        return Generate(privateToken, publicServerAddresses, protocolId, createTimestamp, expireSeconds, nonce, privateKey);
    }

    /// <summary>Like the other overload with a caller-chosen nonce (tests and vectors only: never reuse a nonce).</summary>
    public static NetcodeConnectToken Generate(
        NetcodeConnectTokenPrivate privateToken,
        ReadOnlySpan<NetcodeAddress> publicServerAddresses,
        ulong protocolId,
        ulong createTimestamp,
        long expireSeconds,
        ReadOnlySpan<byte> nonce,
        Key privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateToken);
        var token = new NetcodeConnectToken
        {
            ProtocolId = protocolId,
            CreateTimestamp = createTimestamp,
            ExpireTimestamp = expireSeconds < 0 ? NetcodeConstants.NeverExpires : checked(createTimestamp + (ulong)expireSeconds),
            TimeoutSeconds = privateToken.TimeoutSeconds,
        };
        token.SetServerAddresses(publicServerAddresses);
        nonce.CopyTo(token.Nonce);
        privateToken.ClientToServerKey.CopyTo(token.ClientToServerKey);
        privateToken.ServerToClientKey.CopyTo(token.ServerToClientKey);
        privateToken.Write(token.SealedPrivateToken);
        NetcodeConnectTokenPrivate.Seal(token.SealedPrivateToken, protocolId, token.ExpireTimestamp, nonce, privateKey);
        return token;
    }
}
