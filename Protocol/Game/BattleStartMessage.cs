using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Tanks.Protocol.Game;

/// <summary>One roster entry of <see cref="BattleStartMessage"/> (12 bytes: tank id u16, team u8, class u8, user id i64).</summary>
public readonly record struct BattlePlayer(ushort TankId, byte Team, byte ClassId, long UserId)
{
    public const int Size = 12;
}

/// <summary>
/// Server → client <c>BattleStart</c>: <c>82 02 battleId:16 mapLen:u8 map:UTF-8 tickRate:u8 yourTank:u16 team:u8
/// definitionHash:8 count:u8 players:count×12</c>. The battle id is a <see cref="Guid"/> in its little-endian byte form
/// (<c>Guid.TryWriteBytes(span, bigEndian: false, …)</c>); map id 1..32 bytes of UTF-8; tick rate 1..240; teams 0 or 1;
/// the hash of the battle's <see cref="BattleDefinitionMessage"/> (sent right before); 1..64 players.
/// Size = 32 + mapLen + 12 × count (≤ 832).
/// </summary>
public static class BattleStartMessage
{
    public const int MaxMapIdBytes = 32;
    public const int FixedBytes = GameProtocol.HeaderBytes + 16 + 1 + 1 + 2 + 1 + 8 + 1;

    public static int SizeOf(int mapIdBytes, int players) => FixedBytes + mapIdBytes + players * BattlePlayer.Size;

    public static int Write(
        Span<byte> destination, Guid battleId, ReadOnlySpan<byte> mapIdUtf8, byte tickRate, ushort yourTankId, byte team,
        ulong definitionHash, ReadOnlySpan<BattlePlayer> players)
    {
        if (mapIdUtf8.Length is 0 or > MaxMapIdBytes || !Utf8.IsValid(mapIdUtf8))
        {
            throw new ArgumentException("map id must be 1..32 bytes of UTF-8", nameof(mapIdUtf8));
        }
        if (players.Length is 0 or > GameProtocol.MaxPlayers)
        {
            throw new ArgumentException("1..64 players", nameof(players));
        }
        var size = SizeOf(mapIdUtf8.Length, players.Length);
        GameProtocol.WriteHeader(destination, GameMessageType.BattleStart, size);
        battleId.TryWriteBytes(destination[2..], bigEndian: false, out _);
        var o = 18;
        destination[o++] = (byte)mapIdUtf8.Length;
        mapIdUtf8.CopyTo(destination[o..]);
        o += mapIdUtf8.Length;
        destination[o++] = tickRate;
        GameProtocol.U16(destination, o, yourTankId);
        o += 2;
        destination[o++] = team;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[o..], definitionHash);
        o += 8;
        destination[o++] = (byte)players.Length;
        foreach (var p in players)
        {
            GameProtocol.U16(destination, o, p.TankId);
            destination[o + 2] = p.Team;
            destination[o + 3] = p.ClassId;
            BinaryPrimitives.WriteInt64LittleEndian(destination[(o + 4)..], p.UserId);
            o += BattlePlayer.Size;
        }
        return o;
    }

    /// <summary>Writes with a string map id (encoded to UTF-8 on the stack).</summary>
    public static int Write(
        Span<byte> destination, Guid battleId, string mapId, byte tickRate, ushort yourTankId, byte team, ulong definitionHash,
        ReadOnlySpan<BattlePlayer> players)
    {
        Span<byte> utf8 = stackalloc byte[MaxMapIdBytes];
        if (!Encoding.UTF8.TryGetBytes(mapId, utf8, out var n))
        {
            throw new ArgumentException("map id must be 1..32 bytes of UTF-8", nameof(mapId));
        }
        return Write(destination, battleId, utf8[..n], tickRate, yourTankId, team, definitionHash, players);
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out BattleStartView view)
    {
        view = default;
        var result = GameProtocol.Check(payload, GameMessageType.BattleStart, FixedBytes + 1);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        int mapLength = payload[18];
        if (mapLength is 0 or > MaxMapIdBytes)
        {
            return GameMessageReadResult.BadValue;
        }
        if (payload.Length < FixedBytes + mapLength)
        {
            return GameMessageReadResult.BadLength;
        }
        var o = 19 + mapLength;
        var tickRate = payload[o];
        var yourTank = GameProtocol.U16(payload, o + 1);
        var team = payload[o + 3];
        var hash = BinaryPrimitives.ReadUInt64LittleEndian(payload[(o + 4)..]);
        int count = payload[o + 12];
        if (payload.Length != SizeOf(mapLength, count))
        {
            return GameMessageReadResult.BadLength;
        }
        var map = payload.Slice(19, mapLength);
        if (tickRate is 0 or > 240 || team > 1 || count is 0 or > GameProtocol.MaxPlayers || !Utf8.IsValid(map))
        {
            return GameMessageReadResult.BadValue;
        }
        var players = payload[(o + 13)..];
        for (var i = 0; i < count; i++)
        {
            if (players[i * BattlePlayer.Size + 2] > 1)
            {
                return GameMessageReadResult.BadValue;
            }
        }
        view = new BattleStartView(new Guid(payload.Slice(2, 16), bigEndian: false), map, tickRate, yourTank, team, hash, players);
        return GameMessageReadResult.Ok;
    }
}

/// <summary>A validated <c>BattleStart</c>, read in place (no allocation but <see cref="MapId"/>).</summary>
public readonly ref struct BattleStartView
{
    private readonly ReadOnlySpan<byte> _players;

    internal BattleStartView(
        Guid battleId, ReadOnlySpan<byte> mapIdUtf8, byte tickRate, ushort yourTankId, byte team, ulong definitionHash, ReadOnlySpan<byte> players)
    {
        DefinitionHash = definitionHash;
        BattleId = battleId;
        MapIdUtf8 = mapIdUtf8;
        TickRate = tickRate;
        YourTankId = yourTankId;
        Team = team;
        _players = players;
    }

    public Guid BattleId { get; }
    public ReadOnlySpan<byte> MapIdUtf8 { get; }
    public string MapId => Encoding.UTF8.GetString(MapIdUtf8);
    public byte TickRate { get; }
    public ushort YourTankId { get; }
    public byte Team { get; }

    /// <summary>Names the <c>BattleDefinition</c> of this battle (<see cref="BattleDefinitionMessage.Hash"/>).</summary>
    public ulong DefinitionHash { get; }

    public int PlayerCount => _players.Length / BattlePlayer.Size;

    public BattlePlayer Player(int index)
    {
        var p = _players.Slice(index * BattlePlayer.Size, BattlePlayer.Size);
        return new BattlePlayer(GameProtocol.U16(p, 0), p[2], p[3], BinaryPrimitives.ReadInt64LittleEndian(p[4..]));
    }
}
