using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Utilities;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Sessions;

/// <summary>
/// The matchmaking singleton (the prototype's SessionManager). The queue and the battle index are persisted
/// after every change, so a new activation on another silo carries on where a lost one stopped.
/// </summary>
public sealed partial class SessionRegistryGrain(
    [PersistentState("registry", StorageNames.Accounts)] IPersistentState<SessionRegistryState> state,
    IOptions<MatchmakingOptions> options,
    GrainClock time,
    ILogger<SessionRegistryGrain> logger)
    : Grain, ISessionRegistryGrain
{
    private readonly MatchmakingOptions _options = options.Value;
    private ObserverManager<IMatchObserver>? _observers;
    private int _maxTeamSize;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _maxTeamSize = MapCapacity.MaxTeamSize(_options.Map, _options.TeamSize);
        if (_maxTeamSize < _options.TeamSize)
        {
            LogTeamsCapped(logger, _options.Map, _maxTeamSize, _options.TeamSize);
        }

        // Gateways renew their subscription every few seconds; one that stops renewing is dropped.
        _observers = new ObserverManager<IMatchObserver>(TimeSpan.FromMinutes(1), logger);
        this.RegisterGrainTimer(MatchAsync, new GrainTimerCreationOptions(_options.Interval, _options.Interval)
        {
            KeepAlive = true, // players wait in the queue even when nobody calls
        });
        return Task.CompletedTask;
    }

    public async Task<PlayerStatus> JoinQueueAsync(long userId, string userName, string tankClass)
    {
        if (state.State.PlayerBattles.TryGetValue(userId, out var battleId))
        {
            return new PlayerStatus(PlayerState.InBattle, battleId); // back into the running battle
        }

        var queue = state.State.Queue;
        var index = queue.FindIndex(p => p.UserId == userId);
        if (index < 0)
        {
            queue.Add(new QueuedPlayer(userId, tankClass, time.GetUtcNow(), userName));
            await state.WriteStateAsync();
        }
        else if (queue[index].TankClass != tankClass)
        {
            queue[index] = queue[index] with { TankClass = tankClass }; // keeps its place
            await state.WriteStateAsync();
        }

        return Status(userId);
    }

    public async Task<PlayerStatus> LeaveQueueAsync(long userId)
    {
        if (state.State.Queue.RemoveAll(p => p.UserId == userId) > 0)
        {
            await state.WriteStateAsync();
        }

        return Status(userId);
    }

    public Task<PlayerStatus> GetPlayerStatusAsync(long userId) => Task.FromResult(Status(userId));

    public Task<ImmutableArray<PlayerStatus>> GetPlayerStatusesAsync(ImmutableArray<long> userIds)
    {
        var result = ImmutableArray.CreateBuilder<PlayerStatus>(userIds.Length);
        foreach (var userId in userIds)
        {
            result.Add(Status(userId));
        }

        return Task.FromResult(result.MoveToImmutable());
    }

    public async Task BattleEndedAsync(Guid battleId)
    {
        if (state.State.LiveBattles.Remove(battleId, out var battle))
        {
            foreach (var player in battle.Players)
            {
                if (state.State.PlayerBattles.TryGetValue(player.UserId, out var current) && current == battleId)
                {
                    state.State.PlayerBattles.Remove(player.UserId);
                }
            }

            await state.WriteStateAsync();
            LogBattleEnded(logger, battleId);
        }
    }

    public Task SubscribeAsync(IMatchObserver observer)
    {
        _observers!.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IMatchObserver observer)
    {
        _observers!.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<RegistryStats> GetStatsAsync()
        => Task.FromResult(new RegistryStats(
            state.State.Queue.Count, state.State.LiveBattles.Count, state.State.PlayerBattles.Count, state.State.BattlesStarted));

    /// <summary>Runs the matchmaker over the queue, starts each formed battle and tells the gateways.</summary>
    private async Task MatchAsync(CancellationToken cancellationToken)
    {
        if (state.State.Queue.Count < 2)
        {
            return;
        }

        var formed = Matchmaker.Form(state.State.Queue, time.GetUtcNow(), _options, _maxTeamSize);
        if (formed.Count == 0)
        {
            return;
        }

        var assignments = new List<BattleAssignment>(formed.Count);
        foreach (var battle in formed)
        {
            var players = ImmutableArray.CreateBuilder<BattlePlayer>(battle.TeamA.Count * 2);
            for (var i = 0; i < battle.TeamA.Count; i++)
            {
                players.Add(new BattlePlayer(battle.TeamA[i].UserId, 0, i, battle.TeamA[i].TankClass, battle.TeamA[i].UserName));
            }

            for (var i = 0; i < battle.TeamB.Count; i++)
            {
                players.Add(new BattlePlayer(battle.TeamB[i].UserId, 1, battle.TeamA.Count + i, battle.TeamB[i].TankClass, battle.TeamB[i].UserName));
            }

            var assignment = new BattleAssignment(Guid.NewGuid(), _options.Map, (ulong)Random.Shared.NextInt64(), players.MoveToImmutable());
            state.State.LiveBattles[assignment.BattleId] = assignment;
            foreach (var player in assignment.Players)
            {
                state.State.PlayerBattles[player.UserId] = assignment.BattleId;
            }

            state.State.BattlesStarted++;
            assignments.Add(assignment);
        }

        // Persist first: if this silo dies now, the next activation knows these battles and their players.
        await state.WriteStateAsync();
        foreach (var assignment in assignments)
        {
            try
            {
                await GrainFactory.GetGrain<ISessionGrain>(assignment.BattleId).StartAsync(assignment);
                LogBattleStarted(logger, assignment.BattleId, assignment.Players.Length);
                _observers!.Notify(o => o.BattleStarted(assignment));
            }
            catch (Exception ex)
            {
                LogBattleStartFailed(logger, ex, assignment.BattleId);
                await BattleEndedAsync(assignment.BattleId);
            }
        }
    }

    private PlayerStatus Status(long userId)
    {
        if (state.State.PlayerBattles.TryGetValue(userId, out var battleId))
        {
            return new PlayerStatus(PlayerState.InBattle, battleId);
        }

        var queue = state.State.Queue;
        var index = queue.FindIndex(p => p.UserId == userId);
        return index < 0
            ? PlayerStatus.Idle
            : new PlayerStatus(PlayerState.Queued, default, index + 1, queue.Count, time.GetUtcNow() - queue[index].QueuedAt);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Battle {BattleId} started with {Players} players")]
    private static partial void LogBattleStarted(ILogger logger, Guid battleId, int players);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Battle {BattleId} ended")]
    private static partial void LogBattleEnded(ILogger logger, Guid battleId);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Map {Map} holds at most {MaxTeamSize} tanks a side: battles are capped there (Matchmaking:TeamSize {TeamSize})")]
    private static partial void LogTeamsCapped(ILogger logger, string map, int maxTeamSize, int teamSize);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Battle {BattleId} could not start; its players are free again")]
    private static partial void LogBattleStartFailed(ILogger logger, Exception exception, Guid battleId);
}
