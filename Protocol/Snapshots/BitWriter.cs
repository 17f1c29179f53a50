namespace Tanks.Protocol.Snapshots;

/// <summary>
/// Packs values of 1..32 bits into a span, least significant bit first (bit i of the stream is bit i % 8 of byte i / 8).
/// Never throws on a full buffer: it sets <see cref="Overflowed"/> and drops what does not fit.
/// </summary>
public ref struct BitWriter
{
    private readonly Span<byte> _buffer;
    private ulong _scratch;
    private int _scratchBits;
    private int _byteIndex;

    public BitWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _scratch = 0;
        _scratchBits = 0;
        _byteIndex = 0;
        Overflowed = false;
    }

    /// <summary>True once a write did not fit.</summary>
    public bool Overflowed { readonly get; private set; }

    public readonly int BitsWritten => _byteIndex * 8 + _scratchBits;

    /// <summary>Bytes the stream occupies (the last byte zero padded).</summary>
    public readonly int BytesWritten => _byteIndex + (_scratchBits + 7) / 8;

    /// <summary>Writes the low <paramref name="bits"/> (0..32) bits of <paramref name="value"/>.</summary>
    public void Write(uint value, int bits)
    {
        if (bits == 0)
        {
            return;
        }
        var mask = bits == 32 ? uint.MaxValue : (1u << bits) - 1;
        _scratch |= (ulong)(value & mask) << _scratchBits;
        _scratchBits += bits;
        while (_scratchBits >= 8)
        {
            Emit((byte)_scratch);
            _scratch >>= 8;
            _scratchBits -= 8;
        }
    }

    public void WriteBit(bool value) => Write(value ? 1u : 0u, 1);

    /// <summary>Two's complement in <paramref name="bits"/> bits; the caller ensures the value fits.</summary>
    public void WriteSigned(int value, int bits) => Write((uint)value, bits);

    /// <summary>
    /// Elias gamma code of <paramref name="value"/> ≥ 1: n zero bits, a one bit, then the low n bits, where n = ⌊log2 value⌋.
    /// 1 costs 1 bit, 2..3 cost 3, 4..7 cost 5.
    /// </summary>
    public void WriteGamma(uint value)
    {
        if (value == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "gamma codes start at 1");
        }
        var n = 31 - System.Numerics.BitOperations.LeadingZeroCount(value);
        Write(0, n);
        Write(1, 1);
        Write(value, n);
    }

    /// <summary>A count 0..2^32-2 as <see cref="WriteGamma"/>(count + 1).</summary>
    public void WriteCount(int count) => WriteGamma((uint)count + 1);

    /// <summary>Writes the partial last byte; returns <see cref="BytesWritten"/>.</summary>
    public int Flush()
    {
        if (_scratchBits > 0)
        {
            Emit((byte)_scratch);
            _scratch = 0;
            _scratchBits = 0;
        }
        return _byteIndex;
    }

    private void Emit(byte b)
    {
        if (_byteIndex < _buffer.Length)
        {
            _buffer[_byteIndex] = b;
        }
        else
        {
            Overflowed = true;
        }
        _byteIndex++;
    }
}
