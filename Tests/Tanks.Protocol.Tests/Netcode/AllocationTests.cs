using System.Net;
using Tanks.Protocol.Netcode;

namespace Tanks.Protocol.Tests.Netcode;

/// <summary>The per-packet path allocates nothing (a behaviour assertion on the GC's per-thread counter, not a timing).</summary>
public sealed class AllocationTests
{
    private const ulong ProtocolId = 0x1122334455667788;

    [Fact]
    public void Ten_thousand_payload_writes_and_reads_allocate_nothing()
    {
        using var key = NetcodeKeys.ImportPacketKey(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var window = new ReplayProtection();
        var packet = new byte[NetcodeConstants.MaxPacketBytes];
        var plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
        var payload = new byte[100];
        Random.Shared.NextBytes(payload);

        ulong sequence = 0;
        long checksum = 0;
        RoundTrips(100); // warm-up: JIT, NSec's lazily created algorithm objects, libsodium init.

        var before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrips(10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_100L * payload.Length, checksum);

        void RoundTrips(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var written = NetcodePacketWriter.WritePayload(packet, sequence++, payload, ProtocolId, key);
                var result = NetcodePacketReader.TryRead(
                    packet.AsSpan(0, written), plaintext, ProtocolId, NetcodeAllowedPackets.Server, key, window, null, 0, out var info);
                if (result != PacketReadResult.Ok)
                {
                    throw new InvalidOperationException(result.ToString());
                }

                checksum += info.BodyLength;
            }
        }
    }

    [Fact]
    public void Keep_alives_rejections_and_address_matching_allocate_nothing()
    {
        using var key = NetcodeKeys.ImportPacketKey(new byte[32]);
        using var otherKey = NetcodeKeys.ImportPacketKey(Enumerable.Repeat((byte)1, 32).ToArray());
        var window = new ReplayProtection();
        var packet = new byte[NetcodeConstants.MaxPacketBytes];
        var plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
        var tokenAddress = NetcodeAddress.Parse("[2001:db8::1]:40000");
        var socketAddress = new IPEndPoint(IPAddress.Parse("2001:db8::1"), 40000).Serialize();
        var matches = 0;
        var rejected = 0;
        ulong sequence = 0;

        Run(50);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(2_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(2_050, matches);
        Assert.Equal(2_050 * 2, rejected);

        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var written = NetcodePacketWriter.WriteKeepAlive(packet, sequence++, 3, 64, ProtocolId, key);
                var span = packet.AsSpan(0, written);
                if (NetcodePacketReader.TryRead(span, plaintext, ProtocolId, NetcodeAllowedPackets.Client, key, window, null, 0, out _) != PacketReadResult.Ok)
                {
                    throw new InvalidOperationException("keep-alive rejected");
                }

                rejected += NetcodePacketReader.TryRead(span, plaintext, ProtocolId, NetcodeAllowedPackets.Client, key, window, null, 0, out _) == PacketReadResult.ReplayRejected ? 1 : 0;
                rejected += NetcodePacketReader.TryRead(span, plaintext, ProtocolId, NetcodeAllowedPackets.Client, otherKey, null, null, 0, out _) == PacketReadResult.DecryptFailed ? 1 : 0;
                matches += tokenAddress.Matches(socketAddress) ? 1 : 0;
            }
        }
    }
}
