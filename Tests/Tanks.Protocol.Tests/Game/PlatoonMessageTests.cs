using Tanks.Protocol.Game;

namespace Tanks.Protocol.Tests.Game;

/// <summary>The platoon messages written and read back byte for byte, and the documented verdicts.</summary>
public sealed class PlatoonMessageTests
{
    private readonly byte[] _buffer = new byte[GameProtocol.MaxMessageBytes];

    [Fact]
    public void Invite_round_trips_and_bounds_the_name()
    {
        var n = new PlatoonInviteMessage("bob").WriteTo(_buffer);
        Assert.Equal("050203" + "626F62", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, PlatoonInviteMessage.TryRead(_buffer.AsSpan(0, n), out var read));
        Assert.Equal("bob", read.UserName);

        n = new PlatoonInviteMessage(new string('a', 24)).WriteTo(_buffer);
        Assert.Equal(27, n);
        Assert.Equal(GameMessageReadResult.Ok, PlatoonInviteMessage.TryRead(_buffer.AsSpan(0, n), out _));
        Assert.Throws<ArgumentException>(() => new PlatoonInviteMessage(new string('a', 25)).WriteTo(_buffer));
        Assert.Throws<ArgumentException>(() => new PlatoonInviteMessage("ab").WriteTo(_buffer));

        Assert.Equal(GameMessageReadResult.BadValue, PlatoonInviteMessage.TryRead([0x05, 2, 2, 0x61, 0x62], out _));
        byte[] tooLong = [0x05, 2, 25, .. new byte[25]];
        Assert.Equal(GameMessageReadResult.BadValue, PlatoonInviteMessage.TryRead(tooLong, out _));
        Assert.Equal(GameMessageReadResult.BadValue, PlatoonInviteMessage.TryRead([0x05, 2, 3, 0xFF, 0x61, 0x62], out _)); // not UTF-8
        Assert.Equal(GameMessageReadResult.BadLength, PlatoonInviteMessage.TryRead([0x05, 2, 4, 0x61, 0x62, 0x63], out _));
        Assert.Equal(GameMessageReadResult.BadLength, PlatoonInviteMessage.TryRead([0x05, 2], out _));
    }

    [Fact]
    public void Answer_round_trips_and_rejects_a_bad_flag_or_leader()
    {
        var n = new PlatoonAnswerMessage(0x0102, true).WriteTo(_buffer);
        Assert.Equal("0602" + "0201000000000000" + "01", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, PlatoonAnswerMessage.TryRead(_buffer.AsSpan(0, n), out var read));
        Assert.Equal(new PlatoonAnswerMessage(0x0102, true), read);
        _buffer[10] = 2;
        Assert.Equal(GameMessageReadResult.BadValue, PlatoonAnswerMessage.TryRead(_buffer.AsSpan(0, n), out _));
        n = new PlatoonAnswerMessage(0, false).WriteTo(_buffer);
        Assert.Equal(GameMessageReadResult.BadValue, PlatoonAnswerMessage.TryRead(_buffer.AsSpan(0, n), out _));
        Assert.Equal(GameMessageReadResult.BadLength, PlatoonAnswerMessage.TryRead(_buffer.AsSpan(0, n - 1), out _));
    }

    [Fact]
    public void Leave_and_kick_round_trip()
    {
        var n = PlatoonLeaveMessage.Write(_buffer);
        Assert.Equal("0702", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, PlatoonLeaveMessage.TryRead(_buffer.AsSpan(0, n)));
        Assert.Equal(GameMessageReadResult.BadLength, PlatoonLeaveMessage.TryRead([0x07, 2, 0]));

        n = new PlatoonKickMessage(7).WriteTo(_buffer);
        Assert.Equal("0802" + "0700000000000000", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, PlatoonKickMessage.TryRead(_buffer.AsSpan(0, n), out var kick));
        Assert.Equal(7, kick.UserId);
        Assert.Equal(GameMessageReadResult.WrongType, PlatoonLeaveMessage.TryRead(_buffer.AsSpan(0, n)));
        n = new PlatoonKickMessage(-1).WriteTo(_buffer);
        Assert.Equal(GameMessageReadResult.BadValue, PlatoonKickMessage.TryRead(_buffer.AsSpan(0, n), out _));
    }

    [Fact]
    public void Update_round_trips_with_a_full_roster()
    {
        var message = new PlatoonUpdateMessage(
            PlatoonUpdateKind.Update, PlatoonResultCode.Full, PlatoonUpdateFlags.Queued | PlatoonUpdateFlags.Reply, 5,
            [
                new PlatoonMemberEntry(5, PlatoonMemberFlags.Ready, "ann"),
                new PlatoonMemberEntry(6, PlatoonMemberFlags.None, new string('b', 24)),
                new PlatoonMemberEntry(7, PlatoonMemberFlags.Invited, "cy"),
            ]);
        var n = message.WriteTo(_buffer);
        Assert.Equal(PlatoonUpdateMessage.FixedBytes + 3 * PlatoonMemberEntry.FixedBytes + 3 + 24 + 2, n);
        Assert.Equal("8602" + "00" + "04" + "03" + "0500000000000000" + "03" + "0500000000000000" + "01" + "03" + "616E6E",
            Convert.ToHexString(_buffer, 0, PlatoonUpdateMessage.FixedBytes + 13));
        Assert.Equal(GameMessageReadResult.Ok, PlatoonUpdateMessage.TryRead(_buffer.AsSpan(0, n), out var read));
        Assert.NotNull(read);
        Assert.Equal((message.Kind, message.Result, message.Flags, message.LeaderId), (read.Kind, read.Result, read.Flags, read.LeaderId));
        Assert.Equal(message.Members, read.Members);
        Assert.True(read.Queued && read.IsReply && read.Members[0].Ready && read.Members[2].Invited && !read.Members[1].Ready);
    }

    [Fact]
    public void An_empty_disbanded_update_is_fourteen_bytes()
    {
        var n = new PlatoonUpdateMessage(PlatoonUpdateKind.Disbanded, PlatoonResultCode.Ok, PlatoonUpdateFlags.None, 0, []).WriteTo(_buffer);
        Assert.Equal("8602" + "02" + "00" + "00" + "0000000000000000" + "00", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, PlatoonUpdateMessage.TryRead(_buffer.AsSpan(0, n), out var read));
        Assert.Empty(read!.Members);
    }

    [Theory]
    [InlineData(2, 3, "kind")]
    [InlineData(3, 9, "result")]
    [InlineData(4, 4, "reserved flag")]
    [InlineData(13, 4, "count")]
    [InlineData(22, 4, "reserved member flag")]
    [InlineData(22, 3, "ready and invited")]
    [InlineData(14, 0, "member id 0")]
    public void Update_rejects_out_of_range_values(int offset, byte value, string what)
    {
        var n = new PlatoonUpdateMessage(PlatoonUpdateKind.Update, PlatoonResultCode.Ok, PlatoonUpdateFlags.None, 5,
            [new PlatoonMemberEntry(5, PlatoonMemberFlags.None, "ann")]).WriteTo(_buffer);
        _buffer[offset] = value;
        var verdict = PlatoonUpdateMessage.TryRead(_buffer.AsSpan(0, n), out _);
        Assert.True(verdict is GameMessageReadResult.BadValue or GameMessageReadResult.BadLength, what);
        Assert.NotEqual(GameMessageReadResult.Ok, verdict);
    }

    [Fact]
    public void Update_rejects_a_wrong_length_and_a_members_without_a_leader()
    {
        var n = new PlatoonUpdateMessage(PlatoonUpdateKind.Update, PlatoonResultCode.Ok, PlatoonUpdateFlags.None, 5,
            [new PlatoonMemberEntry(5, PlatoonMemberFlags.None, "ann")]).WriteTo(_buffer);
        Assert.Equal(GameMessageReadResult.BadLength, PlatoonUpdateMessage.TryRead(_buffer.AsSpan(0, n + 1), out _));
        Assert.Equal(GameMessageReadResult.BadLength, PlatoonUpdateMessage.TryRead(_buffer.AsSpan(0, n - 1), out _));
        _buffer[23] = 0; // name length 0
        Assert.NotEqual(GameMessageReadResult.Ok, PlatoonUpdateMessage.TryRead(_buffer.AsSpan(0, n - 3), out _));
        n = new PlatoonUpdateMessage(PlatoonUpdateKind.Update, PlatoonResultCode.Ok, PlatoonUpdateFlags.None, 0,
            [new PlatoonMemberEntry(5, PlatoonMemberFlags.None, "ann")]).WriteTo(_buffer);
        Assert.Equal(GameMessageReadResult.BadValue, PlatoonUpdateMessage.TryRead(_buffer.AsSpan(0, n), out _));
    }

    [Fact]
    public void Result_codes_and_kinds_are_as_documented()
    {
        Assert.Equal(8, (int)Enum.GetValues<PlatoonResultCode>().Max());
        Assert.Equal(2, (int)Enum.GetValues<PlatoonUpdateKind>().Max());
        Assert.True(GameProtocol.IsClientToServer(GameMessageType.PlatoonKick));
        Assert.False(GameProtocol.IsClientToServer(GameMessageType.PlatoonUpdate));
    }

    [Fact]
    public void The_documented_example_is_what_the_writer_writes()
    {
        var n = new PlatoonUpdateMessage(PlatoonUpdateKind.Update, PlatoonResultCode.Ok, PlatoonUpdateFlags.None, 5,
            [new PlatoonMemberEntry(5, PlatoonMemberFlags.Ready, "ann"), new PlatoonMemberEntry(6, PlatoonMemberFlags.None, "bob")]).WriteTo(_buffer);
        Assert.Equal("86020000000500000000000000020500000000000000010361" + "6E6E0600000000000000000362" + "6F62", Convert.ToHexString(_buffer, 0, n));
    }
}
