using System.Buffers.Binary;
using NSec.Cryptography;

namespace Tanks.Protocol.Netcode;

/// <summary>Nonce and associated-data layouts shared by packets and tokens (all little-endian).</summary>
internal static class NetcodeAead
{
    /// <summary>12-byte nonce: 4 zero bytes, then the sequence as u64 LE (IMPLEMENTERS.md erratum).</summary>
    public static void WriteNonce(Span<byte> nonce, ulong sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], sequence);
    }

    /// <summary>22-byte packet AD: version info, protocol id u64 LE, prefix byte.</summary>
    public static void WritePacketAssociatedData(Span<byte> ad, ulong protocolId, byte prefix)
    {
        NetcodeConstants.VersionInfo.CopyTo(ad);
        BinaryPrimitives.WriteUInt64LittleEndian(ad[NetcodeConstants.VersionInfoBytes..], protocolId);
        ad[NetcodeConstants.VersionInfoBytes + 8] = prefix;
    }

    /// <summary>29-byte private token AD: version info, protocol id u64 LE, expire timestamp u64 LE.</summary>
    public static void WriteTokenAssociatedData(Span<byte> ad, ulong protocolId, ulong expireTimestamp)
    {
        NetcodeConstants.VersionInfo.CopyTo(ad);
        BinaryPrimitives.WriteUInt64LittleEndian(ad[NetcodeConstants.VersionInfoBytes..], protocolId);
        BinaryPrimitives.WriteUInt64LittleEndian(ad[(NetcodeConstants.VersionInfoBytes + 8)..], expireTimestamp);
    }
}
