using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Sessions;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// A player's presence in matchmaking: the battle they are in (set by the shard that formed it, cleared when it is
/// over), their platoon, and the way into the queue. A solo player queues in the shard of their user id; a platoon
/// member is queued by the platoon. The pointer is checked with the shard before it is trusted, so a clear that never
/// arrived (its silo died) cannot keep a player out of the queue.
/// </summary>
public sealed partial class PlayerGrain(
    [PersistentState("player", StorageNames.Accounts)] IPersistentState<PlayerPresence> state,
    IOptions<MatchmakingOptions> options,
    ILogger<PlayerGrain> logger)
    : Grain, IPlayerGrain
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PointerCheckTimeout = TimeSpan.FromSeconds(1);
    private IPlayerObserver? _observer;

    private long UserId => this.GetPrimaryKeyLong();

    /// <summary>The shard a solo player's ticket goes to (a platoon's goes to its leader's: <see cref="ShardOf"/>).</summary>
    public static int ShardOf(long userId, int shards) => (int)((ulong)userId % (ulong)shards);

    private IMatchQueueGrain OwnShard => GrainFactory.GetGrain<IMatchQueueGrain>(ShardOf(UserId, options.Value.Shards));

    public async Task<PlayerStatus> JoinQueueAsync(string userName, string tankClass)
    {
        if (await CurrentBattleAsync() is { } inBattle)
        {
            return inBattle; // back into the running battle
        }

        var rating = await RatingAsync(userName);
        var member = new TicketMember(UserId, userName, tankClass, rating.Rating, rating.Deviation);
        if (state.State.Platoon != 0)
        {
            return await GrainFactory.GetGrain<IPlatoonGrain>(state.State.Platoon).ReadyAsync(member).WaitAsync(CallTimeout);
        }

        return await OwnShard.EnqueueAsync(new MatchTicket(UserId, [member], default)).WaitAsync(CallTimeout);
    }

    public async Task<PlayerStatus> LeaveQueueAsync()
    {
        if (state.State.Platoon != 0)
        {
            return await GrainFactory.GetGrain<IPlatoonGrain>(state.State.Platoon).UnreadyAsync(UserId).WaitAsync(CallTimeout);
        }

        await OwnShard.WithdrawAsync(UserId).WaitAsync(CallTimeout);
        return await GetStatusAsync();
    }

    public async Task<PlayerStatus> GetStatusAsync()
    {
        if (await CurrentBattleAsync() is { } inBattle)
        {
            return inBattle;
        }

        if (state.State.Platoon != 0)
        {
            return await GrainFactory.GetGrain<IPlatoonGrain>(state.State.Platoon).GetStatusAsync(UserId).WaitAsync(CallTimeout);
        }

        return (await OwnShard.GetStatusesAsync([UserId]).WaitAsync(CallTimeout))[0];
    }

    public async Task DisconnectedAsync()
    {
        // The observer stays: it is the gateway's, not the connection's (a reconnect to the same gateway may already have
        // attached it again); the gateway detaches it itself.
        if (state.State.Platoon != 0)
        {
            await GrainFactory.GetGrain<IPlatoonGrain>(state.State.Platoon).LeaveAsync(UserId).WaitAsync(CallTimeout);
        }
        else
        {
            await OwnShard.WithdrawAsync(UserId).WaitAsync(CallTimeout);
        }
    }

    public async Task MatchedAsync(Guid battleId, int shard)
    {
        if (state.State.BattleId != battleId)
        {
            state.State.BattleId = battleId;
            state.State.BattleShard = shard;
            await state.WriteStateAsync();
        }
    }

    public async Task BattleOverAsync(Guid battleId)
    {
        if (state.State.BattleId == battleId)
        {
            state.State.BattleId = default;
            await state.WriteStateAsync();
        }
    }

    public async Task SetPlatoonAsync(long leaderId)
    {
        if (state.State.Platoon != leaderId)
        {
            state.State.Platoon = leaderId;
            await state.WriteStateAsync();
        }
    }

    public Task<long> GetPlatoonAsync() => Task.FromResult(state.State.Platoon);

    public Task AttachAsync(IPlayerObserver observer)
    {
        _observer = observer;
        return Task.CompletedTask;
    }

    public Task DetachAsync(IPlayerObserver observer)
    {
        if (Equals(_observer, observer))
        {
            _observer = null;
        }

        return Task.CompletedTask;
    }

    public Task NotifyAsync(PlatoonNotice notice)
    {
        try
        {
            _observer?.PlatoonChanged(UserId, notice);
        }
        catch (Exception ex)
        {
            LogNotifyFailed(logger, UserId, ex.GetType().Name); // the gateway is gone; its next attach brings the view back
            _observer = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>The battle the pointer names, if its shard still has the player in it; a stale pointer is cleared.</summary>
    private async Task<PlayerStatus?> CurrentBattleAsync()
    {
        if (state.State.BattleId == default)
        {
            return null;
        }

        var shard = GrainFactory.GetGrain<IMatchQueueGrain>(state.State.BattleShard);
        PlayerStatus status;
        try
        {
            status = (await shard.GetStatusesAsync([UserId]).WaitAsync(PointerCheckTimeout))[0];
        }
        catch (Exception ex)
        {
            // The shard is away (its silo just died, it is loading elsewhere): the pointer is the best answer there is, and
            // a player back from a lost connection gets their battle at once rather than a timeout.
            LogPointerTrusted(logger, UserId, ex.GetType().Name);
            return new PlayerStatus(PlayerState.InBattle, state.State.BattleId, Shard: state.State.BattleShard);
        }

        if (status.State == PlayerState.InBattle)
        {
            return status;
        }

        state.State.BattleId = default;
        await state.WriteStateAsync();
        return null;
    }

    /// <summary>The account's rating; an account the store cannot answer for right now queues as a new one rather than not at all.</summary>
    private async Task<SkillRating> RatingAsync(string userName)
    {
        try
        {
            return await GrainFactory.GetGrain<IUserGrain>(userName).GetRatingAsync().WaitAsync(CallTimeout);
        }
        catch (Exception ex)
        {
            LogRatingUnavailable(logger, UserId, ex.GetType().Name);
            return SkillRating.Initial;
        }
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Warning, Message = "Player {UserId} queues with the initial rating: the account did not answer ({Error})")]
    private static partial void LogRatingUnavailable(ILogger logger, long userId, string error);

    [LoggerMessage(EventId = 222, Level = LogLevel.Debug, Message = "Player {UserId}'s battle pointer answered without its shard ({Error})")]
    private static partial void LogPointerTrusted(ILogger logger, long userId, string error);

    [LoggerMessage(EventId = 221, Level = LogLevel.Debug, Message = "Player {UserId}'s gateway could not be told of a platoon change ({Error})")]
    private static partial void LogNotifyFailed(ILogger logger, long userId, string error);
}

/// <summary>What a player grain stores: the battle pointer (and the shard owning it) and the platoon (leader's user id, 0: none).</summary>
[GenerateSerializer, Alias("Tanks.PlayerPresence")]
public sealed class PlayerPresence
{
    [Id(0)] public Guid BattleId { get; set; }
    [Id(1)] public int BattleShard { get; set; }
    [Id(2)] public long Platoon { get; set; }
}
