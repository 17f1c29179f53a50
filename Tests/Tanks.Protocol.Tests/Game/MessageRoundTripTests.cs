using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Game;

/// <summary>Every game message written and read back, its exact size, and the documented verdicts.</summary>
public sealed class MessageRoundTripTests
{
    private readonly byte[] _buffer = new byte[GameProtocol.MaxMessageBytes];

    [Fact]
    public void Join_queue_round_trips()
    {
        var n = new JoinQueueMessage(2).WriteTo(_buffer);
        Assert.Equal("010202", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, JoinQueueMessage.TryRead(_buffer.AsSpan(0, n), out var read));
        Assert.Equal(new JoinQueueMessage(2), read);
    }

    [Fact]
    public void Leave_queue_and_leave_round_trip()
    {
        var n = EmptyMessage.Write(_buffer, GameMessageType.LeaveQueue);
        Assert.Equal("0202", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, EmptyMessage.TryRead(_buffer.AsSpan(0, n), GameMessageType.LeaveQueue));
        Assert.Equal(GameMessageReadResult.WrongType, EmptyMessage.TryRead(_buffer.AsSpan(0, n), GameMessageType.Leave));
        n = EmptyMessage.Write(_buffer, GameMessageType.Leave);
        Assert.Equal("0402", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, EmptyMessage.TryRead(_buffer.AsSpan(0, n), GameMessageType.Leave));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmptyMessage.Write(_buffer, GameMessageType.Input));
    }

    [Fact]
    public void Input_round_trips_and_rejects_out_of_range_values()
    {
        var message = new InputMessage(0x01020304, -127, 64, 0xC000, InputButtons.Fire, 1234);
        var n = message.WriteTo(_buffer);
        Assert.Equal(InputMessage.Size, n);
        Assert.Equal("0302040302018140" + "00C0" + "01" + "D2040000", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, InputMessage.TryRead(_buffer.AsSpan(0, n), out var read));
        Assert.Equal(message, read);
        Assert.True(read.Fire);
        Assert.Equal(-1f, read.ThrottleValue);
        Assert.Equal(1.5f * MathF.PI, read.TurretYawRadians, 4);

        _buffer[6] = 0x80; // throttle -128
        Assert.Equal(GameMessageReadResult.BadValue, InputMessage.TryRead(_buffer.AsSpan(0, n), out _));
        _buffer[6] = 0;
        _buffer[10] = 2; // reserved button bit
        Assert.Equal(GameMessageReadResult.BadValue, InputMessage.TryRead(_buffer.AsSpan(0, n), out _));
        Assert.Equal(GameMessageReadResult.BadLength, InputMessage.TryRead(_buffer.AsSpan(0, n - 1), out _));
        Assert.Equal(127, InputMessage.Axis(5f));
        Assert.Equal(0, InputMessage.Axis(float.NaN));
    }

    [Fact]
    public void Queue_status_round_trips()
    {
        var message = new QueueStatusMessage(QueueState.Queued, 3, 12, 45);
        var n = message.WriteTo(_buffer);
        Assert.Equal("810201" + "0300" + "0C00" + "2D00", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, QueueStatusMessage.TryRead(_buffer.AsSpan(0, n), out var read));
        Assert.Equal(message, read);
        _buffer[2] = 3;
        Assert.Equal(GameMessageReadResult.BadValue, QueueStatusMessage.TryRead(_buffer.AsSpan(0, n), out _));
    }

    [Fact]
    public void Battle_start_round_trips()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        BattlePlayer[] players = [new(0, 0, 1, 42), new(1, 1, 2, long.MaxValue), new(2, 1, 0, -5)];
        var n = BattleStartMessage.Write(_buffer, id, "crossroads", 20, 1, 1, 0x0123456789ABCDEF, players);
        Assert.Equal(BattleStartMessage.SizeOf(10, 3), n);
        Assert.Equal(32 + 10 + 36, n);
        Assert.Equal("8202", Convert.ToHexString(_buffer, 0, 2));
        Assert.Equal("14" + "0100" + "01" + "EFCDAB8967452301" + "03", Convert.ToHexString(_buffer, 29, 13)); // tick rate .. count
        Assert.Equal(GameMessageReadResult.Ok, BattleStartMessage.TryRead(_buffer.AsSpan(0, n), out var view));
        Assert.Equal(id, view.BattleId);
        Assert.Equal("crossroads", view.MapId);
        Assert.Equal(20, view.TickRate);
        Assert.Equal(1, view.YourTankId);
        Assert.Equal(1, view.Team);
        Assert.Equal(0x0123456789ABCDEFul, view.DefinitionHash);
        Assert.Equal(3, view.PlayerCount);
        for (var i = 0; i < players.Length; i++)
        {
            Assert.Equal(players[i], view.Player(i));
        }
        Assert.Equal(GameMessageReadResult.BadLength, BattleStartMessage.TryRead(_buffer.AsSpan(0, n - 1), out _));
        Assert.Throws<ArgumentException>(() => BattleStartMessage.Write(_buffer, id, new string('m', 33), 20, 0, 0, 0, players));
    }

    [Fact]
    public void The_largest_battle_start_fits_one_payload()
    {
        var players = Enumerable.Range(0, GameProtocol.MaxPlayers).Select(i => new BattlePlayer((ushort)i, (byte)(i & 1), 1, i)).ToArray();
        var n = BattleStartMessage.Write(_buffer, Guid.NewGuid(), new string('m', 32), 240, 63, 1, ulong.MaxValue, players);
        Assert.Equal(832, n);
        Assert.True(n <= GameProtocol.MaxMessageBytes);
        Assert.Equal(GameMessageReadResult.Ok, BattleStartMessage.TryRead(_buffer.AsSpan(0, n), out var view));
        Assert.Equal(64, view.PlayerCount);
    }

    [Fact]
    public void Battle_events_round_trip_and_stop_at_the_size_limit()
    {
        WireEvent[] events =
        [
            WireEvent.Shot(3, 77, 12_000, 8_050, 0x4000, 2300), WireEvent.Hit(77, 9, 240, 3, 12_345, 9_999),
            WireEvent.Destroyed(9, 3), WireEvent.Capture(1, 55), WireEvent.ShellStopped(78, 4, 0, SnapshotQuantizer.MaxCoordinate, ShellStopCode.MapEdge),
        ];
        var writer = new BattleEventsWriter(_buffer, 4321);
        foreach (var e in events)
        {
            Assert.True(writer.TryAdd(e));
        }
        var n = writer.Finish();
        Assert.Equal(7 + 19 + 19 + 5 + 3 + 16, n);
        Assert.Equal("8402" + "E1100000" + "05", Convert.ToHexString(_buffer, 0, 7));
        Assert.Equal("01" + "0300" + "4D000000" + "E02E0000" + "721F0000" + "0040" + "FC08", Convert.ToHexString(_buffer, 7, 19));
        Assert.Equal("02" + "4D000000" + "0900" + "F000" + "0300" + "39300000" + "0F270000", Convert.ToHexString(_buffer, 26, 19));
        Assert.Equal("05" + "4E000000" + "0400" + "00000000" + "FFFF0F00" + "02", Convert.ToHexString(_buffer, n - 16, 16));
        Assert.Equal(GameMessageReadResult.Ok, BattleEventsMessage.TryRead(_buffer.AsSpan(0, n), out var view));
        Assert.Equal(4321u, view.Tick);
        Assert.Equal(5, view.Count);
        Assert.True(BattleEventsMessage.TryMeasure(_buffer.AsSpan(0, n + 3), out var measured));
        Assert.Equal(n, measured);
        var read = new List<WireEvent>();
        foreach (var e in view)
        {
            read.Add(e);
        }
        Assert.Equal(events, read);

        var full = new BattleEventsWriter(_buffer, 1);
        var added = 0;
        while (full.TryAdd(WireEvent.Hit(1, 2, 3, 4, 5, 6)))
        {
            added++;
        }
        Assert.Equal((GameProtocol.MaxMessageBytes - BattleEventsMessage.FixedBytes) / 19, added);
        Assert.True(full.Finish() <= GameProtocol.MaxMessageBytes);
        Assert.Equal(GameMessageReadResult.Ok, BattleEventsMessage.TryRead(_buffer.AsSpan(0, full.Finish()), out _));

        _buffer[BattleEventsMessage.FixedBytes + 11 + 3] = 0x10; // x past the coordinate range
        Assert.Equal(GameMessageReadResult.BadValue, BattleEventsMessage.TryRead(_buffer.AsSpan(0, full.Finish()), out _));
        _buffer[BattleEventsMessage.FixedBytes] = 9; // unknown kind
        Assert.Equal(GameMessageReadResult.BadValue, BattleEventsMessage.TryRead(_buffer.AsSpan(0, full.Finish()), out _));
        Assert.False(BattleEventsMessage.TryMeasure(_buffer.AsSpan(0, full.Finish()), out _));
    }

    [Fact]
    public void Battle_end_round_trips()
    {
        PlayerResult[] players = [new(0, 3, 1200, 800, 20, 11), new(7, 0, 0, 1800, 5, 0)];
        var n = BattleEndMessage.Write(_buffer, 0, BattleEndReasonCode.Captured, players);
        Assert.Equal(5 + 22, n);
        Assert.Equal(GameMessageReadResult.Ok, BattleEndMessage.TryRead(_buffer.AsSpan(0, n), out var view));
        Assert.Equal(0, view.Winner);
        Assert.False(view.IsDraw);
        Assert.Equal(BattleEndReasonCode.Captured, view.Reason);
        Assert.Equal(players, Enumerable.Range(0, view.PlayerCount).Select(i => ReadPlayer(i)).ToArray());
        _buffer[2] = 2;
        Assert.Equal(GameMessageReadResult.BadValue, BattleEndMessage.TryRead(_buffer.AsSpan(0, n), out _));

        n = BattleEndMessage.Write(_buffer, BattleEndMessage.Draw, BattleEndReasonCode.Time, []);
        Assert.Equal("85" + "02" + "FF" + "03" + "00", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, BattleEndMessage.TryRead(_buffer.AsSpan(0, n), out var draw));
        Assert.True(draw.IsDraw);

        PlayerResult ReadPlayer(int i)
        {
            BattleEndMessage.TryRead(_buffer.AsSpan(0, 27), out var v);
            return v.Player(i);
        }
    }

    [Fact]
    public void Snapshot_part_round_trips()
    {
        var data = new byte[] { 1, 2, 3 };
        var n = SnapshotMessage.WritePart(_buffer, 100, 3, 1, 2, data, inputAck: 0x0A0B0C0D);
        Assert.Equal("8302" + "64000000" + "03" + "11" + "0D0C0B0A" + "010203", Convert.ToHexString(_buffer, 0, n));
        Assert.Equal(GameMessageReadResult.Ok, SnapshotMessage.TryRead(_buffer.AsSpan(0, n), out var part));
        Assert.Equal(100u, part.Tick);
        Assert.Equal(97u, part.BaselineTick);
        Assert.Equal(1, part.PartIndex);
        Assert.Equal(2, part.PartCount);
        Assert.Equal(0x0A0B0C0Du, part.InputAck);
        Assert.Equal(data, part.Data.ToArray());
        SnapshotMessage.SetInputAck(_buffer.AsSpan(0, n), 7);
        Assert.Equal(GameMessageReadResult.Ok, SnapshotMessage.TryRead(_buffer.AsSpan(0, n), out part));
        Assert.Equal(7u, part.InputAck);
        _buffer[7] = 0x01; // part 0 of 2 must be full-size
        Assert.Equal(GameMessageReadResult.BadLength, SnapshotMessage.TryRead(_buffer.AsSpan(0, n), out _));
        _buffer[7] = 0x20; // index 2 of 1
        Assert.Equal(GameMessageReadResult.BadValue, SnapshotMessage.TryRead(_buffer.AsSpan(0, n), out _));
    }

    [Fact]
    public void Headers_are_checked_before_anything_else()
    {
        Assert.Equal(GameMessageReadResult.TooShort, GameProtocol.ReadHeader([3], out _));
        Assert.Equal(GameMessageReadResult.UnknownType, GameProtocol.ReadHeader([0x7F, 1], out _));
        Assert.Equal(GameMessageReadResult.UnsupportedVersion, GameProtocol.ReadHeader([3, 1], out _));
        Assert.Equal(GameMessageReadResult.UnsupportedVersion, GameProtocol.ReadHeader([3, 3], out _));
        Assert.Equal(GameMessageReadResult.TooLarge, GameProtocol.ReadHeader(new byte[1201], out _));
        Assert.Equal(GameMessageReadResult.Ok, GameProtocol.ReadHeader([0x85, 2], out var type));
        Assert.Equal(GameMessageType.BattleEnd, type);
        Assert.Equal(GameMessageReadResult.WrongType, InputMessage.TryRead([0x01, 2, 0], out _));
        Assert.Equal(GameMessageReadResult.UnsupportedVersion, JoinQueueMessage.TryRead([0x01, 0, 0], out _));
    }
}
