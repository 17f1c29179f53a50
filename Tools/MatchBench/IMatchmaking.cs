using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.MatchBench;

/// <summary>A bench player: user id, name and tank, as a gateway would pass them on from the connect token.</summary>
public sealed record BenchPlayer(long UserId, string UserName, string TankClass);

/// <summary>Players queued, in battle, and battles live, as the matchmaking grains count them.</summary>
public sealed record MatchStats(int Queued, int PlayersInBattle, int LiveBattles, long BattlesStarted);

/// <summary>Which grain a bench battle reports its end to: the registry singleton, or the queue shard in its assignment.</summary>
public enum BattleOwner
{
    Registry,
    Shard,
}

/// <summary>
/// Every call the bench makes to matchmaking, so a second design is benched by a second implementation. Battle starts
/// need no call here: they land on the bench's own battle grain (<see cref="BenchBattleGrain"/>), whichever grain formed them.
/// </summary>
public interface IMatchmaking
{
    /// <summary>Where <see cref="BenchBattleGrain"/> reports a battle's end (BattleEnded, then BattleSettled).</summary>
    BattleOwner Owner { get; }

    /// <summary>
    /// Brings the population up without joins, as the grains' own storage would hold it (false: not supported, the bench
    /// joins every player instead). Called once on a fresh cluster before any other call.
    /// </summary>
    Task<bool> TrySeedAsync(IReadOnlyList<BenchPlayer> players, BattleBoard board);

    /// <summary>The gateway's join call.</summary>
    Task<PlayerStatus> JoinAsync(BenchPlayer player);

    /// <summary>The gateway's leave call.</summary>
    Task<PlayerStatus> LeaveAsync(long userId);

    Task<MatchStats> GetStatsAsync();
}
