using System.Buffers;
using Tanks.Protocol.Auth;

namespace Tanks.Tests.Gateway;

public sealed class AuthFrameTests
{
    [Fact]
    public void Reads_a_whole_frame_and_leaves_the_rest()
    {
        var bytes = AuthFrame.Encode("{\"op\":\"ping\"}"u8).Concat(new byte[] { 0, 0 }).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(FrameReadStatus.Complete, AuthFrame.TryRead(ref buffer, out var payload));
        Assert.Equal("{\"op\":\"ping\"}"u8.ToArray(), payload.ToArray());
        Assert.Equal(2, buffer.Length);
        Assert.Equal(FrameReadStatus.Incomplete, AuthFrame.TryRead(ref buffer, out _));
    }

    [Fact]
    public void A_frame_split_across_segments_is_read_once_complete()
    {
        var frame = AuthFrame.Encode(new byte[300]);
        for (var cut = 0; cut < frame.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(frame, 0, cut);
            Assert.Equal(FrameReadStatus.Incomplete, AuthFrame.TryRead(ref partial, out _));
        }

        var whole = Segments.Of(frame[..3], frame[3..10], frame[10..]);
        Assert.Equal(FrameReadStatus.Complete, AuthFrame.TryRead(ref whole, out var payload));
        Assert.Equal(300, payload.Length);
    }

    [Theory]
    [InlineData(16385u, FrameReadStatus.TooLarge)]
    [InlineData(uint.MaxValue, FrameReadStatus.TooLarge)]
    [InlineData(0u, FrameReadStatus.Empty)]
    public void Bad_lengths_are_reported_from_the_header_alone(uint length, FrameReadStatus expected)
    {
        var header = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header, length);
        var buffer = new ReadOnlySequence<byte>(header);
        Assert.Equal(expected, AuthFrame.TryRead(ref buffer, out _));
    }

    [Fact]
    public void The_largest_frame_is_accepted()
    {
        var buffer = new ReadOnlySequence<byte>(AuthFrame.Encode(new byte[AuthFrame.MaxPayloadLength]));
        Assert.Equal(FrameReadStatus.Complete, AuthFrame.TryRead(ref buffer, out var payload));
        Assert.Equal(AuthFrame.MaxPayloadLength, payload.Length);
    }

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(byte[] bytes, long index)
        {
            Memory = bytes;
            RunningIndex = index;
        }

        public static ReadOnlySequence<byte> Of(params byte[][] parts)
        {
            var first = new Segments(parts[0], 0);
            var last = first;
            foreach (var part in parts.Skip(1))
            {
                var next = new Segments(part, last.RunningIndex + last.Memory.Length);
                last.Next = next;
                last = next;
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
