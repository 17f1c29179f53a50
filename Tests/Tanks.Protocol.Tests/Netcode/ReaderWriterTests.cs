using Tanks.Protocol.Netcode;

namespace Tanks.Protocol.Tests.Netcode;

/// <summary>Verdicts and argument checks outside the vector file.</summary>
public sealed class ReaderWriterTests
{
    private const ulong ProtocolId = 0x1122334455667788;
    private readonly byte[] _plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];

    private PacketReadResult Read(byte[] packet, NetcodeAllowedPackets allowed, NSec.Cryptography.Key? key, NSec.Cryptography.Key? privateKey = null) =>
        NetcodePacketReader.TryRead(packet, _plaintext, ProtocolId, allowed, key, new ReplayProtection(), privateKey, 0, out _);

    [Fact]
    public void Datagrams_over_1300_bytes_are_too_large()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        Assert.Equal(PacketReadResult.TooLarge, Read(new byte[NetcodeConstants.MaxPacketBytes + 1], NetcodeAllowedPackets.Server, key));
    }

    [Fact]
    public void Empty_and_short_datagrams_are_too_small()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        Assert.Equal(PacketReadResult.TooSmall, Read([], NetcodeAllowedPackets.Server, key));
        Assert.Equal(PacketReadResult.TooSmall, Read(new byte[17].Select(_ => (byte)0x15).ToArray(), NetcodeAllowedPackets.Server, key));
        var eightSequenceBytes = new byte[24];
        eightSequenceBytes[0] = 0x85; // needs 1 + 8 + 16 = 25 bytes
        Assert.Equal(PacketReadResult.TooSmall, Read(eightSequenceBytes, NetcodeAllowedPackets.Server, key));
    }

    [Fact]
    public void Encrypted_packet_without_a_read_key_is_ignored()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        var packet = new byte[64];
        var written = NetcodePacketWriter.WritePayload(packet, 1, [9], ProtocolId, key);
        Assert.Equal(PacketReadResult.NoReadKey, Read(packet[..written], NetcodeAllowedPackets.Server, null));
    }

    [Fact]
    public void Type_zero_with_sequence_bytes_is_an_invalid_prefix_at_the_server()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        var packet = new byte[40];
        packet[0] = 0x10;
        Assert.Equal(PacketReadResult.InvalidPrefix, Read(packet, NetcodeAllowedPackets.Server, key));
        Assert.Equal(PacketReadResult.PacketTypeNotAllowed, Read(packet, NetcodeAllowedPackets.Client, key));
    }

    [Fact]
    public void Request_without_a_private_key_is_ignored()
    {
        var request = Vectors.Named("packets", "connection_request").Hex("packet_hex");
        Assert.Equal(PacketReadResult.RequestNoPrivateKey, Read(request, NetcodeAllowedPackets.Server, null));
    }

    [Fact]
    public void Challenge_read_by_the_server_and_response_read_by_the_client_are_not_allowed()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        var packet = new byte[NetcodeConstants.MaxPacketBytes];
        var token = new byte[NetcodeConstants.ChallengeTokenBytes];
        var written = NetcodePacketWriter.WriteConnectionChallenge(packet, 1, 0, token, ProtocolId, key);
        Assert.Equal(PacketReadResult.PacketTypeNotAllowed, Read(packet[..written], NetcodeAllowedPackets.Server, key));
        Assert.Equal(PacketReadResult.Ok, Read(packet[..written], NetcodeAllowedPackets.Client, key));
        written = NetcodePacketWriter.WriteConnectionResponse(packet, 1, 0, token, ProtocolId, key);
        Assert.Equal(PacketReadResult.PacketTypeNotAllowed, Read(packet[..written], NetcodeAllowedPackets.Client, key));
        Assert.Equal(PacketReadResult.Ok, Read(packet[..written], NetcodeAllowedPackets.Server, key));
    }

    [Fact]
    public void Small_plaintext_buffer_is_a_caller_bug_whatever_the_packet()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        Assert.Throws<ArgumentException>(() =>
            NetcodePacketReader.TryRead([], new byte[NetcodeConstants.MaxPacketBodyBytes - 1], ProtocolId, NetcodeAllowedPackets.Server, key, null, null, 0, out _));
    }

    [Fact]
    public void Writer_rejects_bad_payload_sizes_and_short_buffers()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        var dest = new byte[NetcodeConstants.MaxPacketBytes];
        Assert.Throws<ArgumentOutOfRangeException>(() => NetcodePacketWriter.WritePayload(dest, 0, [], ProtocolId, key));
        Assert.Throws<ArgumentOutOfRangeException>(() => NetcodePacketWriter.WritePayload(dest, 0, new byte[NetcodeConstants.MaxPayloadBytes + 1], ProtocolId, key));
        Assert.Throws<ArgumentException>(() => NetcodePacketWriter.WritePayload(new byte[20], 0, new byte[10], ProtocolId, key));
        Assert.Throws<ArgumentException>(() => NetcodePacketWriter.WriteConnectionChallenge(dest, 0, 0, new byte[299], ProtocolId, key));
        Assert.Throws<ArgumentException>(() => NetcodePacketWriter.WriteConnectionRequest(new byte[1077], new byte[NetcodeConstants.ConnectTokenBytes]));
        Assert.Equal(1 + 2 + NetcodeConstants.MaxPayloadBytes + 16, NetcodePacketWriter.WritePayload(dest, 1000, new byte[NetcodeConstants.MaxPayloadBytes], ProtocolId, key));
    }

    [Fact]
    public void Keys_must_be_32_bytes()
    {
        Assert.Throws<ArgumentException>(() => NetcodeKeys.ImportPacketKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => NetcodeKeys.ImportConnectTokenKey(new byte[33]));
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(0xFFUL, 1)]
    [InlineData(0x100UL, 2)]
    [InlineData(0x1122334455667788UL, 8)]
    [InlineData(ulong.MaxValue, 8)]
    public void Sequence_bytes_required(ulong sequence, int expected) => Assert.Equal(expected, NetcodeSequence.BytesRequired(sequence));
}
