using System.Buffers.Binary;
using NSec.Cryptography;

namespace Tanks.Protocol.Netcode;

/// <summary>
/// The challenge token (300 bytes): client id u64, user data 256, zero pad; bytes 0..283 sealed with
/// ChaCha20-Poly1305 IETF under the server's random challenge key, no AD, nonce = 0000 | challenge sequence
/// u64 LE, MAC at 284..299. Only the server opens it; the client echoes it.
/// </summary>
public static class NetcodeChallengeToken
{
    /// <summary>Writes the 300-byte plaintext (zero padded).</summary>
    public static int Write(Span<byte> dest, ulong clientId, ReadOnlySpan<byte> userData)
    {
        if (dest.Length < NetcodeConstants.ChallengeTokenBytes || userData.Length != NetcodeConstants.UserDataBytes)
        {
            throw new ArgumentException("Challenge token buffer of 300 bytes and user data of 256 bytes expected.");
        }

        var token = dest[..NetcodeConstants.ChallengeTokenBytes];
        token.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(token, clientId);
        userData.CopyTo(token[8..]);
        return NetcodeConstants.ChallengeTokenBytes;
    }

    /// <summary>Encrypts a written 300-byte token in place (bytes 0..283 ciphertext, 284..299 MAC).</summary>
    public static void Seal(Span<byte> token, ulong challengeSequence, Key challengeKey)
    {
        ArgumentNullException.ThrowIfNull(challengeKey);
        if (token.Length != NetcodeConstants.ChallengeTokenBytes)
        {
            throw new ArgumentException("A challenge token is 300 bytes.", nameof(token));
        }

        Span<byte> nonce = stackalloc byte[NetcodeConstants.PacketNonceBytes];
        NetcodeAead.WriteNonce(nonce, challengeSequence);
        AeadAlgorithm.ChaCha20Poly1305.Encrypt(
            challengeKey, nonce, ReadOnlySpan<byte>.Empty, token[..NetcodeConstants.ChallengeTokenPlaintextBytes], token);
    }

    /// <summary>Writes and seals in one step.</summary>
    public static int WriteSealed(Span<byte> dest, ulong clientId, ReadOnlySpan<byte> userData, ulong challengeSequence, Key challengeKey)
    {
        var written = Write(dest, clientId, userData);
        Seal(dest[..written], challengeSequence, challengeKey);
        return written;
    }

    /// <summary>
    /// Authenticates and decrypts a sealed 300-byte token into <paramref name="plaintextDest"/> (at least 284
    /// bytes). False when the MAC does not verify.
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> sealedToken, Span<byte> plaintextDest, ulong challengeSequence, Key challengeKey)
    {
        ArgumentNullException.ThrowIfNull(challengeKey);
        if (sealedToken.Length != NetcodeConstants.ChallengeTokenBytes || plaintextDest.Length < NetcodeConstants.ChallengeTokenPlaintextBytes)
        {
            throw new ArgumentException("Sealed challenge token of 300 bytes and a plaintext buffer of at least 284 bytes expected.");
        }

        Span<byte> nonce = stackalloc byte[NetcodeConstants.PacketNonceBytes];
        NetcodeAead.WriteNonce(nonce, challengeSequence);
        return AeadAlgorithm.ChaCha20Poly1305.Decrypt(
            challengeKey, nonce, ReadOnlySpan<byte>.Empty, sealedToken, plaintextDest[..NetcodeConstants.ChallengeTokenPlaintextBytes]);
    }

    /// <summary>Client id of an opened token.</summary>
    public static ulong ReadClientId(ReadOnlySpan<byte> plaintext) => BinaryPrimitives.ReadUInt64LittleEndian(plaintext);

    /// <summary>User data of an opened token (a slice of <paramref name="plaintext"/>).</summary>
    public static ReadOnlySpan<byte> ReadUserData(ReadOnlySpan<byte> plaintext) => plaintext.Slice(8, NetcodeConstants.UserDataBytes);
}
