using CsCheck;
using Tanks.Protocol.Game;

namespace Tanks.Protocol.Tests.Game;

/// <summary>Hostile bytes (random, truncated, bit-flipped valid messages) give a verdict, never an exception.</summary>
public sealed class MessageFuzzTests
{
    private static readonly byte[][] ValidMessages = BuildValid();

    /// <summary>Runs every reader; returns how many said Ok.</summary>
    private static int ReadAll(ReadOnlySpan<byte> payload)
    {
        var ok = 0;
        ok += JoinQueueMessage.TryRead(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        ok += EmptyMessage.TryRead(payload, GameMessageType.LeaveQueue) == GameMessageReadResult.Ok ? 1 : 0;
        ok += EmptyMessage.TryRead(payload, GameMessageType.Leave) == GameMessageReadResult.Ok ? 1 : 0;
        ok += InputMessage.TryRead(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        ok += QueueStatusMessage.TryRead(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        if (BattleStartMessage.TryRead(payload, out var start) == GameMessageReadResult.Ok)
        {
            ok++;
            for (var i = 0; i < start.PlayerCount; i++)
            {
                _ = start.Player(i);
            }
            _ = start.MapId;
        }
        if (BattleEventsMessage.TryRead(payload, out var events) == GameMessageReadResult.Ok)
        {
            ok++;
            var n = 0;
            foreach (var e in events)
            {
                n++;
            }
            Assert.Equal(events.Count, n);
        }
        if (BattleEndMessage.TryRead(payload, out var end) == GameMessageReadResult.Ok)
        {
            ok++;
            for (var i = 0; i < end.PlayerCount; i++)
            {
                _ = end.Player(i);
            }
        }
        ok += SnapshotMessage.TryRead(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        ok += BattleDefinitionMessage.TryReadPart(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        ok += ProtocolErrorMessage.TryRead(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        ok += PlatoonInviteMessage.TryRead(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        ok += PlatoonAnswerMessage.TryRead(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        ok += PlatoonLeaveMessage.TryRead(payload) == GameMessageReadResult.Ok ? 1 : 0;
        ok += PlatoonKickMessage.TryRead(payload, out _) == GameMessageReadResult.Ok ? 1 : 0;
        if (PlatoonUpdateMessage.TryRead(payload, out var platoon) == GameMessageReadResult.Ok)
        {
            ok++;
            Assert.True(platoon!.Members.Count <= PlatoonLimits.MaxMembers);
        }
        _ = GameProtocol.ReadHeader(payload, out _);
        return ok;
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Byte.Array[0, 1300].Sample(bytes => ReadAll(bytes) <= 1, iter: 20_000, threads: 1);
    }

    [Fact]
    public void Random_bytes_with_a_valid_header_never_throw()
    {
        var types = Enum.GetValues<GameMessageType>().Select(t => (byte)t).ToArray();
        Gen.Select(Gen.Int[0, types.Length - 1].Select(i => types[i]), Gen.Byte.Array[0, 1198]).Sample((type, body) =>
        {
            var payload = new byte[body.Length + 2];
            payload[0] = type;
            payload[1] = GameProtocol.Version;
            body.CopyTo(payload, 2);
            return ReadAll(payload) <= 1;
        }, iter: 20_000, threads: 1);
    }

    [Fact]
    public void Every_truncation_of_a_valid_message_is_rejected()
    {
        foreach (var message in ValidMessages)
        {
            Assert.Equal(1, ReadAll(message));
            // Snapshot and definition parts carry opaque data (a definition's is checked once assembled).
            var snapshot = message[0] is (byte)GameMessageType.Snapshot or (byte)GameMessageType.BattleDefinition;
            for (var length = 0; length < message.Length; length++)
            {
                // A snapshot part carries opaque data, so a shorter last part is still a well-formed message (the
                // codec then reports the data as truncated); an events message cut between events fails its count.
                var ok = ReadAll(message.AsSpan(0, length));
                Assert.True(ok == 0 || (snapshot && length > BattleDefinitionMessage.PartHeaderBytes), $"type {message[0]:X2} length {length}");
            }
        }
    }

    [Fact]
    public void Bit_flips_of_valid_messages_never_throw()
    {
        Gen.Select(Gen.Int[0, ValidMessages.Length - 1], Gen.Int[0, 10_000], Gen.Int[0, 7]).Sample((which, position, bit) =>
        {
            var message = (byte[])ValidMessages[which].Clone();
            message[position % message.Length] ^= (byte)(1 << bit);
            return ReadAll(message) <= 1;
        }, iter: 20_000, threads: 1);
    }

    private static byte[][] BuildValid()
    {
        var list = new List<byte[]>();
        var buffer = new byte[GameProtocol.MaxMessageBytes];
        list.Add(buffer[..new JoinQueueMessage(1).WriteTo(buffer)]);
        list.Add(buffer[..EmptyMessage.Write(buffer, GameMessageType.LeaveQueue)]);
        list.Add(buffer[..EmptyMessage.Write(buffer, GameMessageType.Leave)]);
        list.Add(buffer[..new InputMessage(7, 100, -100, 1234, InputButtons.Fire, 99).WriteTo(buffer)]);
        list.Add(buffer[..new QueueStatusMessage(QueueState.InBattle, 0, 0, 61).WriteTo(buffer)]);
        list.Add(buffer[..BattleStartMessage.Write(buffer, Guid.NewGuid(), "crossroads", 20, 3, 0, 0xFEED,
            [new BattlePlayer(0, 0, 0, 1), new BattlePlayer(3, 1, 2, 2)])]);
        var events = new BattleEventsWriter(buffer, 5);
        events.TryAdd(WireEvent.Shot(1, 2, 100, 200, 300, 400));
        events.TryAdd(WireEvent.Hit(2, 3, 100, 1, 500, 600));
        events.TryAdd(WireEvent.Destroyed(3, 1));
        events.TryAdd(WireEvent.Capture(0, 100));
        events.TryAdd(WireEvent.ShellStopped(4, 1, 700, 800, ShellStopCode.Range));
        list.Add(buffer[..events.Finish()]);
        list.Add(buffer[..BattleEndMessage.Write(buffer, 1, BattleEndReasonCode.Destroyed, [new PlayerResult(1, 1, 2, 3, 4, 5)])]);
        list.Add(buffer[..SnapshotMessage.WritePart(buffer, 9, 0, 0, 1, [1, 2, 3, 4], inputAck: 17)]);
        list.Add(buffer[..new ProtocolErrorMessage(GameProtocol.Version, ProtocolErrorCode.UnsupportedVersion).WriteTo(buffer)]);
        list.AddRange(BattleDefinitionMessageTests.Package(BattleDefinitionMessageTests.Duel()).Messages);
        list.Add(buffer[..new PlatoonInviteMessage("tanker_1").WriteTo(buffer)]);
        list.Add(buffer[..new PlatoonAnswerMessage(42, true).WriteTo(buffer)]);
        list.Add(buffer[..PlatoonLeaveMessage.Write(buffer)]);
        list.Add(buffer[..new PlatoonKickMessage(43).WriteTo(buffer)]);
        list.Add(buffer[..new PlatoonUpdateMessage(PlatoonUpdateKind.Invited, PlatoonResultCode.Ok, PlatoonUpdateFlags.Queued, 42,
            [new PlatoonMemberEntry(42, PlatoonMemberFlags.Ready, "ann"), new PlatoonMemberEntry(43, PlatoonMemberFlags.Invited, "bob")]).WriteTo(buffer)]);
        return [.. list];
    }
}
