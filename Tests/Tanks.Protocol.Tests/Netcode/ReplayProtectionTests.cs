using Tanks.Protocol.Netcode;

namespace Tanks.Protocol.Tests.Netcode;

public sealed class ReplayProtectionTests
{
    private static bool Receive(ReplayProtection window, ulong sequence)
    {
        if (window.IsAlreadyReceived(sequence))
        {
            return false;
        }

        window.Advance(sequence);
        return true;
    }

    [Fact]
    public void Duplicates_are_rejected()
    {
        var window = new ReplayProtection();
        Assert.True(Receive(window, 0));
        Assert.False(Receive(window, 0));
        Assert.True(Receive(window, 1000));
        Assert.False(Receive(window, 1000));
        Assert.True(Receive(window, 999));
        Assert.False(Receive(window, 999));
    }

    [Fact]
    public void Sequences_at_or_beyond_the_window_edge_are_rejected()
    {
        var window = new ReplayProtection();
        Assert.True(Receive(window, 10_000));
        Assert.False(Receive(window, 10_000 - 256));
        Assert.False(Receive(window, 0));
        Assert.True(Receive(window, 10_000 - 255));
    }

    [Fact]
    public void Out_of_order_inside_the_window_is_accepted_once()
    {
        var window = new ReplayProtection();
        ulong[] order = [5, 1, 4, 2, 3, 300, 60, 299, 45];
        foreach (var sequence in order)
        {
            Assert.True(Receive(window, sequence), $"{sequence} first time");
        }

        foreach (var sequence in order)
        {
            Assert.False(Receive(window, sequence), $"{sequence} again");
        }

        Assert.Equal(300UL, window.MostRecentSequence);
        Assert.False(Receive(window, 44)); // 44 <= 300 - 256
    }

    [Fact]
    public void Sequence_two_to_the_64_minus_one_is_accepted_only_once()
    {
        // The reference accepts it twice (its empty-slot marker is UINT64_MAX); the standard says a received
        // sequence is ignored, and this window keeps emptiness apart from the stored sequence.
        var window = new ReplayProtection();
        Assert.True(Receive(window, ulong.MaxValue));
        Assert.False(Receive(window, ulong.MaxValue));
        Assert.True(Receive(window, ulong.MaxValue - 1));
        Assert.False(Receive(window, ulong.MaxValue - 256));
    }

    [Fact]
    public void Reset_empties_the_window()
    {
        var window = new ReplayProtection();
        Assert.True(Receive(window, 7));
        Assert.True(Receive(window, 1000));
        window.Reset();
        Assert.Equal(0UL, window.MostRecentSequence);
        Assert.True(Receive(window, 7));
        Assert.True(Receive(window, 1000));
    }

    [Fact]
    public void Only_keep_alive_payload_and_disconnect_are_replay_protected()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        var window = new ReplayProtection();
        var packet = new byte[NetcodeConstants.MaxPacketBytes];
        var plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
        var written = NetcodePacketWriter.WriteConnectionDenied(packet, 5, 1, key);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(PacketReadResult.Ok, NetcodePacketReader.TryRead(packet.AsSpan(0, written), plaintext, 1, NetcodeAllowedPackets.Client, key, window, null, 0, out _));
        }

        Assert.False(window.IsAlreadyReceived(5));
        written = NetcodePacketWriter.WriteDisconnect(packet, 5, 1, key);
        Assert.Equal(PacketReadResult.Ok, NetcodePacketReader.TryRead(packet.AsSpan(0, written), plaintext, 1, NetcodeAllowedPackets.Client, key, window, null, 0, out _));
        Assert.Equal(PacketReadResult.ReplayRejected, NetcodePacketReader.TryRead(packet.AsSpan(0, written), plaintext, 1, NetcodeAllowedPackets.Client, key, window, null, 0, out _));
    }

    [Fact]
    public void A_packet_that_fails_to_decrypt_does_not_advance_the_window()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        var window = new ReplayProtection();
        var packet = new byte[NetcodeConstants.MaxPacketBytes];
        var plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
        var written = NetcodePacketWriter.WritePayload(packet, 5000, [1, 2, 3], 1, key);
        packet[written - 1] ^= 1;
        Assert.Equal(PacketReadResult.DecryptFailed, NetcodePacketReader.TryRead(packet.AsSpan(0, written), plaintext, 1, NetcodeAllowedPackets.Server, key, window, null, 0, out _));
        Assert.False(window.IsAlreadyReceived(5000));
        Assert.Equal(0UL, window.MostRecentSequence);
        packet[written - 1] ^= 1;
        Assert.Equal(PacketReadResult.Ok, NetcodePacketReader.TryRead(packet.AsSpan(0, written), plaintext, 1, NetcodeAllowedPackets.Server, key, window, null, 0, out _));
        Assert.Equal(5000UL, window.MostRecentSequence);
    }
}
