namespace Tanks.Protocol.Snapshots;

/// <summary>
/// Reads what <see cref="BitWriter"/> wrote. Never throws on hostile data: reading past the end returns zeros and sets
/// <see cref="Overflowed"/>, an over-long gamma code sets <see cref="Malformed"/>.
/// </summary>
public ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _bit;

    public BitReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _bit = 0;
        Overflowed = false;
        Malformed = false;
    }

    public bool Overflowed { readonly get; private set; }

    public bool Malformed { readonly get; private set; }

    public readonly int BitsRead => _bit;

    public readonly int BitsLeft => _data.Length * 8 - _bit;

    /// <summary>Reads <paramref name="bits"/> (0..32) bits.</summary>
    public uint Read(int bits)
    {
        if (bits == 0)
        {
            return 0;
        }
        if (bits > BitsLeft)
        {
            Overflowed = true;
            _bit = _data.Length * 8;
            return 0;
        }
        var byteIndex = _bit >> 3;
        var shift = _bit & 7;
        ulong scratch = 0;
        var needed = (shift + bits + 7) >> 3; // ≤ 5 bytes
        for (var i = 0; i < needed; i++)
        {
            scratch |= (ulong)_data[byteIndex + i] << (8 * i);
        }
        _bit += bits;
        var value = scratch >> shift;
        return bits == 32 ? (uint)value : (uint)value & ((1u << bits) - 1);
    }

    public bool ReadBit() => Read(1) != 0;

    /// <summary>Reads a two's complement value of <paramref name="bits"/> bits and sign-extends it.</summary>
    public int ReadSigned(int bits)
    {
        var raw = Read(bits);
        var shift = 32 - bits;
        return (int)(raw << shift) >> shift;
    }

    /// <summary>Reads an Elias gamma code (≥ 1); more than 31 leading zeros marks the stream malformed and returns 1.</summary>
    public uint ReadGamma()
    {
        var zeros = 0;
        while (!ReadBit())
        {
            if (Overflowed || ++zeros > 31)
            {
                Malformed |= !Overflowed;
                return 1;
            }
        }
        return zeros == 0 ? 1u : (1u << zeros) | Read(zeros);
    }

    /// <summary>Reads a count written by <see cref="BitWriter.WriteCount"/>.</summary>
    public int ReadCount()
    {
        var v = ReadGamma() - 1;
        return v > int.MaxValue ? int.MaxValue : (int)v;
    }
}
