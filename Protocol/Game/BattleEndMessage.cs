namespace Tanks.Protocol.Game;

/// <summary>Why a battle ended (the reason byte of <see cref="BattleEndMessage"/>).</summary>
public enum BattleEndReasonCode : byte
{
    /// <summary>Every tank of the losing team was destroyed (both at once: a draw).</summary>
    Destroyed = 1,

    /// <summary>The winner captured the base.</summary>
    Captured = 2,

    /// <summary>The time limit passed: a draw.</summary>
    Time = 3,

    /// <summary>The server ended the battle early (e.g. everyone left): a draw.</summary>
    Aborted = 4,
}

/// <summary>One player's line of <see cref="BattleEndMessage"/> (11 bytes).</summary>
public readonly record struct PlayerResult(ushort TankId, byte Kills, ushort DamageDealt, ushort DamageReceived, ushort Shots, ushort Hits)
{
    public const int Size = 11;
}

/// <summary>
/// Server → client <c>BattleEnd</c>: <c>85 02 winner:u8 reason:u8 count:u8 players:count×(tank u16, kills u8,
/// damage dealt u16, damage received u16, shots u16, hits u16)</c>. Winner 0 or 1, <see cref="Draw"/> (255) for a draw;
/// reason 1..4 (<see cref="BattleEndReasonCode"/>); 0..64 players. Size = 5 + 11 × count (≤ 709).
/// </summary>
public static class BattleEndMessage
{
    public const byte Draw = 255;
    public const int FixedBytes = GameProtocol.HeaderBytes + 3;

    public static int SizeOf(int players) => FixedBytes + players * PlayerResult.Size;

    public static int Write(Span<byte> destination, byte winner, BattleEndReasonCode reason, ReadOnlySpan<PlayerResult> players)
    {
        if (winner is not (0 or 1 or Draw) || reason is < BattleEndReasonCode.Destroyed or > BattleEndReasonCode.Aborted)
        {
            throw new ArgumentOutOfRangeException(nameof(winner), "winner 0, 1 or 255; reason 1..4");
        }
        if (players.Length > GameProtocol.MaxPlayers)
        {
            throw new ArgumentException("at most 64 players", nameof(players));
        }
        var size = SizeOf(players.Length);
        GameProtocol.WriteHeader(destination, GameMessageType.BattleEnd, size);
        destination[2] = winner;
        destination[3] = (byte)reason;
        destination[4] = (byte)players.Length;
        var o = FixedBytes;
        foreach (var p in players)
        {
            GameProtocol.U16(destination, o, p.TankId);
            destination[o + 2] = p.Kills;
            GameProtocol.U16(destination, o + 3, p.DamageDealt);
            GameProtocol.U16(destination, o + 5, p.DamageReceived);
            GameProtocol.U16(destination, o + 7, p.Shots);
            GameProtocol.U16(destination, o + 9, p.Hits);
            o += PlayerResult.Size;
        }
        return o;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out BattleEndView view)
    {
        view = default;
        var result = GameProtocol.Check(payload, GameMessageType.BattleEnd, FixedBytes);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        int count = payload[4];
        if (payload.Length != SizeOf(count))
        {
            return GameMessageReadResult.BadLength;
        }
        if (payload[2] is not (0 or 1 or Draw) || payload[3] is < (byte)BattleEndReasonCode.Destroyed or > (byte)BattleEndReasonCode.Aborted
            || count > GameProtocol.MaxPlayers)
        {
            return GameMessageReadResult.BadValue;
        }
        view = new BattleEndView(payload[2], (BattleEndReasonCode)payload[3], payload[FixedBytes..]);
        return GameMessageReadResult.Ok;
    }
}

/// <summary>A validated <c>BattleEnd</c>, read in place.</summary>
public readonly ref struct BattleEndView
{
    private readonly ReadOnlySpan<byte> _players;

    internal BattleEndView(byte winner, BattleEndReasonCode reason, ReadOnlySpan<byte> players)
    {
        Winner = winner;
        Reason = reason;
        _players = players;
    }

    /// <summary>0 or 1, or <see cref="BattleEndMessage.Draw"/>.</summary>
    public byte Winner { get; }
    public BattleEndReasonCode Reason { get; }
    public bool IsDraw => Winner == BattleEndMessage.Draw;
    public int PlayerCount => _players.Length / PlayerResult.Size;

    public PlayerResult Player(int index)
    {
        var p = _players.Slice(index * PlayerResult.Size, PlayerResult.Size);
        return new PlayerResult(GameProtocol.U16(p, 0), p[2], GameProtocol.U16(p, 3), GameProtocol.U16(p, 5), GameProtocol.U16(p, 7), GameProtocol.U16(p, 9));
    }
}
