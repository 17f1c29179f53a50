using CsCheck;
using Tanks.Protocol.Netcode;

namespace Tanks.Protocol.Tests.Netcode;

/// <summary>Round trips and tamper detection over random tokens and packets (CsCheck).</summary>
public sealed class PropertyTests
{
    private const int Threads = 1;

    [Fact]
    public void Address_write_read_round_trip()
    {
        NetcodeGen.Address.Sample(address =>
        {
            var buffer = new byte[NetcodeConstants.AddressIPv6Bytes];
            var written = address.Write(buffer);
            Assert.True(NetcodeAddress.TryRead(buffer, out var read, out var consumed));
            Assert.Equal(written, consumed);
            Assert.Equal(address, read);
            Assert.Equal(address, NetcodeAddress.Parse(address.ToString()));
        }, iter: 500, threads: Threads);
    }

    [Fact]
    public void Private_token_write_seal_open_read_round_trip()
    {
        Gen.Select(NetcodeGen.PrivateToken, Gen.ULong, Gen.ULong, Gen.Byte.Array[24], NetcodeGen.Key).Sample((token, protocolId, expire, nonce, keyBytes) =>
        {
            using var key = NetcodeKeys.ImportConnectTokenKey(keyBytes);
            var buffer = new byte[NetcodeConstants.ConnectTokenPrivateBytes];
            token.Write(buffer);
            var plaintextBefore = buffer[..NetcodeConstants.ConnectTokenPrivatePlaintextBytes];
            NetcodeConnectTokenPrivate.Seal(buffer, protocolId, expire, nonce, key);
            Assert.NotEqual(plaintextBefore, buffer[..NetcodeConstants.ConnectTokenPrivatePlaintextBytes]);

            var plaintext = new byte[NetcodeConstants.ConnectTokenPrivatePlaintextBytes];
            Assert.True(NetcodeConnectTokenPrivate.TryOpen(buffer, plaintext, protocolId, expire, nonce, key));
            Assert.Equal(plaintextBefore, plaintext);

            var read = new NetcodeConnectTokenPrivate();
            Assert.Equal(TokenReadResult.Ok, NetcodeConnectTokenPrivate.TryRead(plaintext, read));
            Assert.Equal(token.ClientId, read.ClientId);
            Assert.Equal(token.TimeoutSeconds, read.TimeoutSeconds);
            Assert.Equal(token.ServerAddresses.ToArray(), read.ServerAddresses.ToArray());
            Assert.Equal(token.ClientToServerKey, read.ClientToServerKey);
            Assert.Equal(token.ServerToClientKey, read.ServerToClientKey);
            Assert.Equal(token.UserData, read.UserData);
        }, iter: 100, threads: Threads);
    }

    [Fact]
    public void Public_token_generate_write_read_round_trip()
    {
        Gen.Select(NetcodeGen.PrivateToken, NetcodeGen.Address.Array[1, 32], Gen.ULong, Gen.UInt, Gen.Int[-1, 3600], NetcodeGen.Key)
            .Sample((privateToken, publicAddresses, protocolId, create, expireSeconds, keyBytes) =>
            {
                using var key = NetcodeKeys.ImportConnectTokenKey(keyBytes);
                var token = NetcodeConnectToken.Generate(privateToken, publicAddresses, protocolId, create, expireSeconds, key);
                var bytes = new byte[NetcodeConstants.ConnectTokenBytes];
                token.Write(bytes);

                var read = new NetcodeConnectToken();
                Assert.Equal(TokenReadResult.Ok, NetcodeConnectToken.TryRead(bytes, read));
                Assert.Equal(protocolId, read.ProtocolId);
                Assert.Equal(create, read.CreateTimestamp);
                Assert.Equal(expireSeconds < 0 ? ulong.MaxValue : create + (ulong)expireSeconds, read.ExpireTimestamp);
                Assert.Equal(publicAddresses, read.ServerAddresses.ToArray());
                Assert.Equal(privateToken.TimeoutSeconds, read.TimeoutSeconds);
                Assert.Equal(privateToken.ClientToServerKey, read.ClientToServerKey);
                Assert.Equal(privateToken.ServerToClientKey, read.ServerToClientKey);

                var plaintext = new byte[NetcodeConstants.ConnectTokenPrivatePlaintextBytes];
                Assert.True(NetcodeConnectTokenPrivate.TryOpen(read.SealedPrivateToken, plaintext, protocolId, read.ExpireTimestamp, read.Nonce, key));
                var readPrivate = new NetcodeConnectTokenPrivate();
                Assert.Equal(TokenReadResult.Ok, NetcodeConnectTokenPrivate.TryRead(plaintext, readPrivate));
                Assert.Equal(privateToken.ClientId, readPrivate.ClientId);
                Assert.Equal(privateToken.ServerAddresses.ToArray(), readPrivate.ServerAddresses.ToArray());

                var request = new byte[NetcodeConstants.ConnectionRequestBytes];
                NetcodePacketWriter.WriteConnectionRequest(request, bytes);
                var body = new byte[NetcodeConstants.MaxPacketBodyBytes];
                var verdict = NetcodePacketReader.TryRead(request, body, protocolId, NetcodeAllowedPackets.Server, null, null, key, create, out var info);
                if (expireSeconds == 0)
                {
                    // Expiring at its creation second: at that second it is already expired (the standard's check is expire > now).
                    Assert.Equal(PacketReadResult.RequestTokenExpired, verdict);
                    return;
                }

                Assert.Equal(PacketReadResult.Ok, verdict);
                Assert.Equal(plaintext, body[..info.BodyLength]);
            }, iter: 100, threads: Threads);
    }

    [Fact]
    public void Packet_write_read_round_trip_for_every_type()
    {
        Gen.Select(NetcodeGen.Body(NetcodeConstants.MaxPayloadBytes), NetcodeGen.Sequence, Gen.ULong, NetcodeGen.Key).Sample((typed, sequence, protocolId, keyBytes) =>
        {
            using var key = NetcodeKeys.ImportPacketKey(keyBytes);
            var packet = new byte[NetcodeConstants.MaxPacketBytes];
            var written = NetcodeGen.Write(packet, typed.Type, sequence, typed.Body, protocolId, key);
            Assert.Equal(NetcodePacketWriter.EncryptedPacketBytes(sequence, typed.Body.Length), written);
            Assert.Equal(NetcodeSequence.PrefixByte(typed.Type, sequence), packet[0]);

            var plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
            var window = new ReplayProtection();
            var result = NetcodePacketReader.TryRead(
                packet.AsSpan(0, written), plaintext, protocolId, NetcodeAllowedPackets.Server | NetcodeAllowedPackets.Client, key, window, null, 0, out var info);
            Assert.Equal(PacketReadResult.Ok, result);
            Assert.Equal(typed.Type, info.Type);
            Assert.Equal(sequence, info.Sequence);
            Assert.Equal(typed.Body, plaintext[..info.BodyLength]);

            var again = NetcodePacketReader.TryRead(
                packet.AsSpan(0, written), plaintext, protocolId, NetcodeAllowedPackets.Server | NetcodeAllowedPackets.Client, key, window, null, 0, out _);
            Assert.Equal(typed.Type >= NetcodePacketType.KeepAlive ? PacketReadResult.ReplayRejected : PacketReadResult.Ok, again);
        }, iter: 300, threads: Threads);
    }

    [Fact]
    public void Every_single_bit_flip_of_a_sealed_packet_is_rejected()
    {
        Gen.Select(NetcodeGen.Body(64), NetcodeGen.Sequence, Gen.ULong, NetcodeGen.Key).Sample((typed, sequence, protocolId, keyBytes) =>
        {
            using var key = NetcodeKeys.ImportPacketKey(keyBytes);
            var packet = new byte[NetcodeConstants.MaxPacketBytes];
            var written = NetcodeGen.Write(packet, typed.Type, sequence, typed.Body, protocolId, key);
            var wire = packet[..written];
            var plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
            const NetcodeAllowedPackets all = NetcodeAllowedPackets.Server | NetcodeAllowedPackets.Client;
            Assert.Equal(PacketReadResult.Ok, NetcodePacketReader.TryRead(wire, plaintext, protocolId, all, key, null, null, 0, out _));

            for (var bit = 0; bit < wire.Length * 8; bit++)
            {
                wire[bit >> 3] ^= (byte)(1 << (bit & 7));
                var result = NetcodePacketReader.TryRead(wire, plaintext, protocolId, all, key, null, null, 0, out _);
                Assert.True(result != PacketReadResult.Ok, $"bit {bit} of a {typed.Type} packet accepted");
                wire[bit >> 3] ^= (byte)(1 << (bit & 7));
            }
        }, iter: 40, threads: Threads);
    }

    [Fact]
    public void Every_single_bit_flip_of_a_sealed_private_token_and_of_its_request_is_rejected()
    {
        Gen.Select(NetcodeGen.PrivateToken, Gen.ULong, Gen.Byte.Array[24], NetcodeGen.Key).Sample((token, protocolId, nonce, keyBytes) =>
        {
            using var key = NetcodeKeys.ImportConnectTokenKey(keyBytes);
            const ulong expire = 2_000_000_000;
            var sealedToken = new byte[NetcodeConstants.ConnectTokenPrivateBytes];
            token.Write(sealedToken);
            NetcodeConnectTokenPrivate.Seal(sealedToken, protocolId, expire, nonce, key);
            var plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
            Assert.True(NetcodeConnectTokenPrivate.TryOpen(sealedToken, plaintext, protocolId, expire, nonce, key));

            for (var bit = 0; bit < sealedToken.Length * 8; bit++)
            {
                sealedToken[bit >> 3] ^= (byte)(1 << (bit & 7));
                Assert.False(NetcodeConnectTokenPrivate.TryOpen(sealedToken, plaintext, protocolId, expire, nonce, key), $"token bit {bit} accepted");
                sealedToken[bit >> 3] ^= (byte)(1 << (bit & 7));
            }

            // The request adds the AD fields (version, protocol id, expire) and the nonce in the clear: flips there fail too.
            var request = new byte[NetcodeConstants.ConnectionRequestBytes];
            NetcodePacketWriter.WriteConnectionRequest(request, protocolId, expire, nonce, sealedToken);
            Assert.Equal(PacketReadResult.Ok, NetcodePacketReader.TryRead(request, plaintext, protocolId, NetcodeAllowedPackets.Server, null, null, key, 0, out _));
            for (var bit = 0; bit < NetcodeConstants.RequestPrivateTokenOffset * 8; bit++)
            {
                request[bit >> 3] ^= (byte)(1 << (bit & 7));
                var result = NetcodePacketReader.TryRead(request, plaintext, protocolId, NetcodeAllowedPackets.Server, null, null, key, 0, out _);
                Assert.True(result != PacketReadResult.Ok, $"request bit {bit} accepted");
                request[bit >> 3] ^= (byte)(1 << (bit & 7));
            }
        }, iter: 4, threads: Threads);
    }

    [Fact]
    public void Every_single_bit_flip_of_a_sealed_challenge_token_is_rejected()
    {
        Gen.Select(Gen.ULong, Gen.Byte.Array[256], NetcodeGen.Sequence, NetcodeGen.Key).Sample((clientId, userData, sequence, keyBytes) =>
        {
            using var key = NetcodeKeys.ImportChallengeKey(keyBytes);
            var sealedToken = new byte[NetcodeConstants.ChallengeTokenBytes];
            NetcodeChallengeToken.WriteSealed(sealedToken, clientId, userData, sequence, key);
            var plaintext = new byte[NetcodeConstants.ChallengeTokenPlaintextBytes];
            Assert.True(NetcodeChallengeToken.TryOpen(sealedToken, plaintext, sequence, key));
            Assert.Equal(clientId, NetcodeChallengeToken.ReadClientId(plaintext));
            Assert.Equal(userData, NetcodeChallengeToken.ReadUserData(plaintext).ToArray());
            for (var bit = 0; bit < sealedToken.Length * 8; bit++)
            {
                sealedToken[bit >> 3] ^= (byte)(1 << (bit & 7));
                Assert.False(NetcodeChallengeToken.TryOpen(sealedToken, plaintext, sequence, key), $"challenge bit {bit} accepted");
                sealedToken[bit >> 3] ^= (byte)(1 << (bit & 7));
            }
        }, iter: 10, threads: Threads);
    }

    [Fact]
    public void Replay_window_equals_the_model_reject_too_old_or_seen()
    {
        // Sequences packed in a narrow range so slots collide and the window slides often.
        var gen = Gen.Select(Gen.ULong[0, ulong.MaxValue - 4096], Gen.Int[0, 2000].Array[1, 400]);
        gen.Sample((baseSequence, offsets) =>
        {
            var window = new ReplayProtection();
            var seen = new HashSet<ulong>();
            ulong mostRecent = 0;
            foreach (var offset in offsets)
            {
                var sequence = baseSequence + (ulong)offset;
                var modelRejects = (mostRecent >= 256 && sequence <= mostRecent - 256) || seen.Contains(sequence);
                var rejected = window.IsAlreadyReceived(sequence);
                Assert.Equal(modelRejects, rejected);
                if (!rejected)
                {
                    window.Advance(sequence);
                    seen.Add(sequence);
                    mostRecent = Math.Max(mostRecent, sequence);
                }

                Assert.Equal(mostRecent, window.MostRecentSequence);
            }
        }, iter: 300, threads: Threads);
    }
}
