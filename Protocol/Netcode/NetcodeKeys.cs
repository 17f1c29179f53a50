using NSec.Cryptography;

namespace Tanks.Protocol.Netcode;

/// <summary>
/// Imports the 32-byte netcode keys as NSec <see cref="Key"/> objects. Import once per key (per connection for
/// the packet keys, once per process for the private and challenge keys) and reuse: the per-packet calls take
/// the <see cref="Key"/>, never raw bytes. The caller owns and disposes the keys.
/// </summary>
public static class NetcodeKeys
{
    /// <summary>A client-to-server or server-to-client key (ChaCha20-Poly1305 IETF).</summary>
    public static Key ImportPacketKey(ReadOnlySpan<byte> key) => Import(AeadAlgorithm.ChaCha20Poly1305, key);

    /// <summary>The challenge token key (ChaCha20-Poly1305 IETF).</summary>
    public static Key ImportChallengeKey(ReadOnlySpan<byte> key) => Import(AeadAlgorithm.ChaCha20Poly1305, key);

    /// <summary>The private key shared by token minter and servers (XChaCha20-Poly1305).</summary>
    public static Key ImportConnectTokenKey(ReadOnlySpan<byte> key) => Import(AeadAlgorithm.XChaCha20Poly1305, key);

    private static Key Import(AeadAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        if (key.Length != NetcodeConstants.KeyBytes)
        {
            throw new ArgumentException($"A netcode key is {NetcodeConstants.KeyBytes} bytes.", nameof(key));
        }

        return Key.Import(algorithm, key, KeyBlobFormat.RawSymmetricKey);
    }
}
