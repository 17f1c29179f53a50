using Tanks.Protocol.Game;

namespace Tanks.Client.Battle;

/// <summary>A <c>BattleStart</c>: the battle, its map and tick rate, your tank (its id is your slot) and team, the roster.</summary>
public sealed record BattleStartInfo(
    Guid BattleId, string MapId, int TickRate, ushort TankId, byte Team, IReadOnlyList<BattlePlayer> Players);

/// <summary>A <c>BattleEnd</c>: the winning team (0/1) or a draw, why, and every player's line.</summary>
public sealed record BattleEndInfo(byte Winner, BattleEndReasonCode Reason, IReadOnlyList<PlayerResult> Players)
{
    public bool IsDraw => Winner == BattleEndMessage.Draw;
}

/// <summary>One <c>BattleEvents</c> message: what happened during a tick.</summary>
public sealed record BattleEventsInfo(uint Tick, IReadOnlyList<WireEvent> Events);
