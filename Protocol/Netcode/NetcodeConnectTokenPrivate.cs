using System.Buffers.Binary;
using NSec.Cryptography;

namespace Tanks.Protocol.Netcode;

/// <summary>
/// The private part of a connect token, which only the token minter and the servers read:
/// client id u64, timeout seconds i32, address count u32, addresses, client-to-server key, server-to-client
/// key, user data 256, zero pad to 1024. Sealed with XChaCha20-Poly1305 under the shared private key, the
/// 24-byte token nonce and AD = version info | protocol id | expire timestamp; bytes 0..1007 are encrypted and the
/// MAC fills 1008..1023. An instance can be reused for every read (<see cref="TryRead"/> allocates nothing).
/// </summary>
public sealed class NetcodeConnectTokenPrivate
{
    private readonly NetcodeAddress[] _serverAddresses = new NetcodeAddress[NetcodeConstants.MaxServersPerConnect];

    /// <summary>The authenticated client (the game's user id).</summary>
    public ulong ClientId { get; set; }

    /// <summary>Seconds of silence before a side times out; negative disables the timeout.</summary>
    public int TimeoutSeconds { get; set; }

    /// <summary>Number of entries of <see cref="ServerAddresses"/>.</summary>
    public int ServerAddressCount { get; private set; }

    /// <summary>The servers' own (internal) addresses; a server accepts the token only if it is among them.</summary>
    public ReadOnlySpan<NetcodeAddress> ServerAddresses => _serverAddresses.AsSpan(0, ServerAddressCount);

    /// <summary>Client-to-server key (32 bytes, filled in place).</summary>
    public byte[] ClientToServerKey { get; } = new byte[NetcodeConstants.KeyBytes];

    /// <summary>Server-to-client key (32 bytes, filled in place).</summary>
    public byte[] ServerToClientKey { get; } = new byte[NetcodeConstants.KeyBytes];

    /// <summary>Application data (256 bytes, filled in place).</summary>
    public byte[] UserData { get; } = new byte[NetcodeConstants.UserDataBytes];

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

    /// <summary>True when one of <see cref="ServerAddresses"/> equals <paramref name="address"/>.</summary>
    public bool ContainsServerAddress(NetcodeAddress address) => ServerAddresses.Contains(address);

    /// <summary>Writes the 1024-byte plaintext (zero padded; the last 16 bytes are left zero for the MAC).</summary>
    public int Write(Span<byte> dest)
    {
        if (dest.Length < NetcodeConstants.ConnectTokenPrivateBytes)
        {
            throw new ArgumentException("The private connect token needs 1024 bytes.", nameof(dest));
        }

        if (ServerAddressCount == 0)
        {
            throw new InvalidOperationException("Set the server addresses first.");
        }

        var token = dest[..NetcodeConstants.ConnectTokenPrivateBytes];
        token.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(token, ClientId);
        BinaryPrimitives.WriteInt32LittleEndian(token[8..], TimeoutSeconds);
        BinaryPrimitives.WriteUInt32LittleEndian(token[12..], (uint)ServerAddressCount);
        var offset = 16;
        foreach (var address in ServerAddresses)
        {
            offset += address.Write(token[offset..]);
        }

        ClientToServerKey.CopyTo(token[offset..]);
        offset += NetcodeConstants.KeyBytes;
        ServerToClientKey.CopyTo(token[offset..]);
        offset += NetcodeConstants.KeyBytes;
        UserData.CopyTo(token[offset..]);
        return NetcodeConstants.ConnectTokenPrivateBytes;
    }

    /// <summary>
    /// Parses a decrypted private token (at least 1008 bytes) into <paramref name="into"/>, overwriting it.
    /// Rejects an address count outside [1, 32] and an unknown address type, like the reference; the padding
    /// is not checked (the MAC already covers it).
    /// </summary>
    public static TokenReadResult TryRead(ReadOnlySpan<byte> plaintext, NetcodeConnectTokenPrivate into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (plaintext.Length < NetcodeConstants.ConnectTokenPrivatePlaintextBytes)
        {
            return TokenReadResult.BadLength;
        }

        into.ClientId = BinaryPrimitives.ReadUInt64LittleEndian(plaintext);
        into.TimeoutSeconds = BinaryPrimitives.ReadInt32LittleEndian(plaintext[8..]);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(plaintext[12..]);
        into.ServerAddressCount = 0;
        if (count is < 1 or > NetcodeConstants.MaxServersPerConnect)
        {
            return TokenReadResult.BadAddressCount;
        }

        var offset = 16;
        for (var i = 0; i < (int)count; i++)
        {
            if (!NetcodeAddress.TryRead(plaintext[offset..], out into._serverAddresses[i], out var read))
            {
                return TokenReadResult.BadAddressType;
            }

            offset += read;
        }

        into.ServerAddressCount = (int)count;
        plaintext.Slice(offset, NetcodeConstants.KeyBytes).CopyTo(into.ClientToServerKey);
        offset += NetcodeConstants.KeyBytes;
        plaintext.Slice(offset, NetcodeConstants.KeyBytes).CopyTo(into.ServerToClientKey);
        offset += NetcodeConstants.KeyBytes;
        plaintext.Slice(offset, NetcodeConstants.UserDataBytes).CopyTo(into.UserData);
        return TokenReadResult.Ok;
    }

    /// <summary>
    /// Encrypts a written 1024-byte private token in place: bytes 0..1007 become ciphertext and 1008..1023 the MAC.
    /// </summary>
    public static void Seal(Span<byte> token, ulong protocolId, ulong expireTimestamp, ReadOnlySpan<byte> nonce, Key privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (token.Length != NetcodeConstants.ConnectTokenPrivateBytes)
        {
            throw new ArgumentException("A private connect token is 1024 bytes.", nameof(token));
        }

        if (nonce.Length != NetcodeConstants.ConnectTokenNonceBytes)
        {
            throw new ArgumentException("The connect token nonce is 24 bytes.", nameof(nonce));
        }

        Span<byte> ad = stackalloc byte[NetcodeConstants.ConnectTokenAssociatedDataBytes];
        NetcodeAead.WriteTokenAssociatedData(ad, protocolId, expireTimestamp);
        AeadAlgorithm.XChaCha20Poly1305.Encrypt(privateKey, nonce, ad, token[..NetcodeConstants.ConnectTokenPrivatePlaintextBytes], token);
    }

    /// <summary>
    /// Authenticates and decrypts a sealed 1024-byte private token into <paramref name="plaintextDest"/>
    /// (at least 1008 bytes). False when the MAC does not verify (wrong key, protocol id, expiry, nonce or bytes).
    /// </summary>
    public static bool TryOpen(
        ReadOnlySpan<byte> sealedToken, Span<byte> plaintextDest, ulong protocolId, ulong expireTimestamp, ReadOnlySpan<byte> nonce, Key privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (sealedToken.Length != NetcodeConstants.ConnectTokenPrivateBytes
            || nonce.Length != NetcodeConstants.ConnectTokenNonceBytes
            || plaintextDest.Length < NetcodeConstants.ConnectTokenPrivatePlaintextBytes)
        {
            throw new ArgumentException("Sealed token 1024 bytes, nonce 24 bytes, plaintext buffer at least 1008 bytes.");
        }

        Span<byte> ad = stackalloc byte[NetcodeConstants.ConnectTokenAssociatedDataBytes];
        NetcodeAead.WriteTokenAssociatedData(ad, protocolId, expireTimestamp);
        return AeadAlgorithm.XChaCha20Poly1305.Decrypt(
            privateKey, nonce, ad, sealedToken, plaintextDest[..NetcodeConstants.ConnectTokenPrivatePlaintextBytes]);
    }
}
