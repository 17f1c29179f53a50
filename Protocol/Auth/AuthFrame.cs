using System.Buffers;
using System.Buffers.Binary;

namespace Tanks.Protocol.Auth;

/// <summary>
/// Framing of the TCP auth protocol: a 4-byte big-endian length N (1 ≤ N ≤ <see cref="MaxPayloadLength"/>)
/// followed by N bytes of UTF-8 JSON, one object per frame.
/// </summary>
public static class AuthFrame
{
    public const int HeaderLength = 4;

    /// <summary>Largest payload accepted in either direction.</summary>
    public const int MaxPayloadLength = 16384;

    /// <summary>
    /// Takes one frame off the front of <paramref name="buffer"/> if it is all there. Checks the header first, so a
    /// bad length is reported after four bytes, before any payload is buffered.
    /// </summary>
    public static FrameReadStatus TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < HeaderLength)
        {
            return FrameReadStatus.Incomplete;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length == 0)
        {
            return FrameReadStatus.Empty;
        }

        if (length > MaxPayloadLength)
        {
            return FrameReadStatus.TooLarge;
        }

        if (buffer.Length < HeaderLength + length)
        {
            return FrameReadStatus.Incomplete;
        }

        payload = buffer.Slice(HeaderLength, length);
        buffer = buffer.Slice(HeaderLength + length);
        return FrameReadStatus.Complete;
    }

    /// <summary>Writes the header for a payload of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxPayloadLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)length);
    }

    /// <summary>A whole frame (header + payload) as a new array; for clients and tests.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderLength + payload.Length];
        WriteHeader(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }
}

public enum FrameReadStatus
{
    /// <summary>A frame was taken off the buffer.</summary>
    Complete,

    /// <summary>More bytes are needed.</summary>
    Incomplete,

    /// <summary>The header announced more than <see cref="AuthFrame.MaxPayloadLength"/> bytes.</summary>
    TooLarge,

    /// <summary>The header announced zero bytes.</summary>
    Empty,
}
