using System.Numerics;

namespace Tanks.Protocol.Netcode;

/// <summary>The variable-length little-endian packet sequence field.</summary>
public static class NetcodeSequence
{
    /// <summary>Minimal number of bytes in [1, 8] that hold <paramref name="sequence"/> (0 takes one byte).</summary>
    public static int BytesRequired(ulong sequence) => (71 - BitOperations.LeadingZeroCount(sequence | 1)) >> 3;

    /// <summary>The prefix byte: (sequence bytes &lt;&lt; 4) | type.</summary>
    public static byte PrefixByte(NetcodePacketType type, ulong sequence) => (byte)((BytesRequired(sequence) << 4) | (int)type);

    /// <summary>Writes the low <paramref name="count"/> bytes of the sequence, least significant first.</summary>
    internal static void Write(Span<byte> dest, ulong sequence, int count)
    {
        for (var i = 0; i < count; i++)
        {
            dest[i] = (byte)sequence;
            sequence >>= 8;
        }
    }

    /// <summary>Reads <paramref name="source"/>.Length (1..8) bytes, least significant first.</summary>
    internal static ulong Read(ReadOnlySpan<byte> source)
    {
        ulong sequence = 0;
        for (var i = 0; i < source.Length; i++)
        {
            sequence |= (ulong)source[i] << (8 * i);
        }

        return sequence;
    }
}
