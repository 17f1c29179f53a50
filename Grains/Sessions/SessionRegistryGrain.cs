using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Utilities;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Sessions;

/// <summary>
/// The matchmaking singleton (the prototype's SessionManager). The queue and the battle index are persisted
/// after every change, so a new activation on another silo carries on where a lost one stopped.
/// <para>
/// It owns every battle it starts until the battle is settled: a sweep asks each for its status every
/// <see cref="MatchmakingOptions.BattleCheckInterval"/>. The ask activates a battle whose silo was lost on another silo
/// (it resumes from its checkpoint, or carries on storing its results); a battle that answers unknown, or not at all
/// for <see cref="MatchmakingOptions.BattleLostAfter"/>, frees its players. New battles go to the active silo running
/// the fewest, never to a draining one.
/// </para>
/// </summary>
public sealed partial class SessionRegistryGrain(
    [PersistentState("registry", StorageNames.Accounts)] IPersistentState<SessionRegistryState> state,
    IOptions<MatchmakingOptions> options,
    IClusterMembershipService membership,
    GrainClock time,
    ILogger<SessionRegistryGrain> logger)
    : Grain, ISessionRegistryGrain
{
    private static readonly TimeSpan BattleCallTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(5);
    private readonly MatchmakingOptions _options = options.Value;
    private readonly Dictionary<Guid, string> _battleSilo = [];
    private readonly Dictionary<Guid, DateTimeOffset> _silentSince = [];
    private readonly Dictionary<string, DateTimeOffset> _draining = [];
    private readonly HashSet<Guid> _starting = [];
    private readonly Dictionary<Guid, DateTimeOffset> _startedSince = [];
    private ObserverManager<IMatchObserver>? _observers;
    private int _maxTeamSize;
    private bool _dirty;
    private bool _sweeping;

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
        // The sweep waits on many battles at once: interleaved, so joins and battle reports are not held up meanwhile.
        this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(TimeSpan.Zero, _options.BattleCheckInterval)
        {
            KeepAlive = true,
            Interleave = true,
        });
        RegistryMetrics.Activated();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        RegistryMetrics.Deactivated();
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
            await PersistAsync();
        }
        else if (queue[index].TankClass != tankClass)
        {
            queue[index] = queue[index] with { TankClass = tankClass }; // keeps its place
            await PersistAsync();
        }

        return Status(userId);
    }

    public async Task<PlayerStatus> LeaveQueueAsync(long userId)
    {
        if (state.State.Queue.RemoveAll(p => p.UserId == userId) > 0)
        {
            await PersistAsync();
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
        if (Release(battleId, settled: false))
        {
            await PersistAsync();
            LogBattleEnded(logger, battleId);
        }
    }

    public async Task BattleSettledAsync(Guid battleId)
    {
        var changed = Release(battleId, settled: true);
        if (state.State.Unsettled.Remove(battleId) || changed)
        {
            await PersistAsync();
        }
    }

    public Task<bool> IsBattleLiveAsync(Guid battleId) => Task.FromResult(state.State.LiveBattles.ContainsKey(battleId));

    public Task SiloDrainingAsync(string silo)
    {
        _draining[silo] = time.GetUtcNow();
        LogSiloDraining(logger, silo);
        return Task.CompletedTask;
    }

    /// <summary>Frees a live battle's players (true if it was live); an unsettled battle stays watched until settled.</summary>
    private bool Release(Guid battleId, bool settled)
    {
        _silentSince.Remove(battleId);
        _startedSince.Remove(battleId);
        if (!state.State.LiveBattles.Remove(battleId, out var battle))
        {
            return false;
        }

        foreach (var player in battle.Players)
        {
            if (state.State.PlayerBattles.TryGetValue(player.UserId, out var current) && current == battleId)
            {
                state.State.PlayerBattles.Remove(player.UserId);
            }
        }

        if (!settled)
        {
            state.State.Unsettled.Add(battleId);
        }

        _battleSilo.Remove(battleId);
        return true;
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

    /// <summary>
    /// Asks every battle it owns for its status (in parallel, each bounded by a timeout) and acts on the answers: a lost
    /// battle is resumed by the very ask, an ended one frees its players, a settled one is forgotten, an unknown one or
    /// one silent for too long is given up.
    /// </summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await TryPersistAsync();
        }

        if (_sweeping)
        {
            return;
        }

        _sweeping = true;
        try
        {
            // A battle whose StartAsync is still on its way has no state yet: asking it now would give it up.
            var ids = state.State.LiveBattles.Keys.Concat(state.State.Unsettled).Distinct().Where(id => !_starting.Contains(id)).ToArray();
            if (ids.Length == 0)
            {
                return;
            }

            var answers = await Task.WhenAll(ids.Select(AskAsync));
            var now = time.GetUtcNow();
            var changed = false;
            for (var i = 0; i < ids.Length; i++)
            {
                if (!_starting.Contains(ids[i]))
                {
                    changed |= Apply(ids[i], answers[i], now);
                }
            }

            foreach (var (silo, since) in _draining.ToArray())
            {
                if (now - since > TimeSpan.FromMinutes(10))
                {
                    _draining.Remove(silo); // a drained silo is long gone; a new one may have its address
                }
            }

            if (changed)
            {
                await TryPersistAsync();
            }
        }
        finally
        {
            _sweeping = false;
        }
    }

    private async Task<BattleStatus?> AskAsync(Guid battleId)
    {
        try
        {
            return await GrainFactory.GetGrain<ISessionGrain>(battleId).EnsureRunningAsync().WaitAsync(BattleCallTimeout);
        }
        catch (Exception ex)
        {
            LogBattleSilent(logger, battleId, ex.GetType().Name);
            return null;
        }
    }

    private bool Apply(Guid battleId, BattleStatus? status, DateTimeOffset now)
    {
        var live = state.State.LiveBattles.ContainsKey(battleId);
        switch (status?.Phase)
        {
            case BattlePhase.Running:
                _silentSince.Remove(battleId);
                if (status.Silo is not null)
                {
                    _battleSilo[battleId] = status.Silo;
                }

                if (!live)
                {
                    // Runs, though given up or reported ended: it learns so on its next resume or end. Keep asking.
                    state.State.Unsettled.Add(battleId);
                }

                return false;
            case BattlePhase.Ended:
                var changed = Release(battleId, settled: status.Settled);
                if (status.Settled)
                {
                    changed |= state.State.Unsettled.Remove(battleId);
                }

                return changed;
            case BattlePhase.Unknown:
                // No state at all: it never started, or settled and was cleared. Nothing will ever end it: free its players.
                // (An answer asked for before the battle's start landed says nothing: the start may have come since.)
                if (_startedSince.TryGetValue(battleId, out var started) && now - started < 2 * _options.BattleCheckInterval)
                {
                    return false;
                }

                if (live)
                {
                    LogBattleLost(logger, battleId, "it has no state");
                    BattleMetrics.GivenUp();
                }

                return Release(battleId, settled: true) | state.State.Unsettled.Remove(battleId);
            default:
                if (!_silentSince.TryGetValue(battleId, out var since))
                {
                    _silentSince[battleId] = now;
                    return false;
                }

                if (live && now - since > _options.BattleLostAfter)
                {
                    LogBattleLost(logger, battleId, $"silent for {(now - since).TotalSeconds:0} s");
                    BattleMetrics.GivenUp();
                    Release(battleId, settled: false); // still asked: its results may yet come
                    return true;
                }

                return false;
        }
    }

    /// <summary>The active, non-draining silo with the fewest battles (null: let placement choose).</summary>
    private SiloAddress? PickSilo()
    {
        var candidates = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !_draining.ContainsKey(m.SiloAddress.ToParsableString()))
            .Select(m => m.SiloAddress)
            .ToArray();
        if (candidates.Length == 0)
        {
            return null;
        }

        var load = _battleSilo.Values.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        var fewest = candidates.Min(s => load.GetValueOrDefault(s.ToParsableString()));
        var best = candidates.Where(s => load.GetValueOrDefault(s.ToParsableString()) == fewest).ToArray();
        return best[Random.Shared.Next(best.Length)];
    }

    private async Task PersistAsync()
    {
        try
        {
            await state.WriteStateAsync();
            _dirty = false;
        }
        catch
        {
            _dirty = true; // the in-memory state stays the truth; the sweep writes it once the store is back
            throw;
        }
    }

    private async Task TryPersistAsync()
    {
        try
        {
            await PersistAsync();
        }
        catch (Exception ex)
        {
            LogPersistFailed(logger, ex);
        }
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
            _starting.Add(assignment.BattleId);
            foreach (var player in assignment.Players)
            {
                state.State.PlayerBattles[player.UserId] = assignment.BattleId;
            }

            state.State.BattlesStarted++;
            assignments.Add(assignment);
        }

        // Persist first: if this silo dies now, the next activation knows these battles and their players.
        await TryPersistAsync();
        foreach (var assignment in assignments)
        {
            var silo = PickSilo();
            try
            {
                if (silo is not null)
                {
                    RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
                }

                await GrainFactory.GetGrain<ISessionGrain>(assignment.BattleId).StartAsync(assignment).WaitAsync(StartTimeout);
                if (silo is not null)
                {
                    _battleSilo[assignment.BattleId] = silo.ToParsableString();
                }

                LogBattleStarted(logger, assignment.BattleId, assignment.Players.Length, silo?.ToString() ?? "any");
                _observers!.Notify(o => o.BattleStarted(assignment));
            }
            catch (Exception ex)
            {
                // Not started (its first checkpoint could not be stored, or its silo did not answer): the players are
                // free at once; should it have started after all, the sweep finds it running and it learns it was given up.
                LogBattleStartFailed(logger, ex, assignment.BattleId);
                Release(assignment.BattleId, settled: false);
                await TryPersistAsync();
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                _starting.Remove(assignment.BattleId);
                _startedSince[assignment.BattleId] = time.GetUtcNow();
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

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Battle {BattleId} started with {Players} players on silo {Silo}")]
    private static partial void LogBattleStarted(ILogger logger, Guid battleId, int players, string silo);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Battle {BattleId} given up ({Why}): its players are free")]
    private static partial void LogBattleLost(ILogger logger, Guid battleId, string why);

    [LoggerMessage(EventId = 205, Level = LogLevel.Debug, Message = "Battle {BattleId} did not answer the sweep ({Error})")]
    private static partial void LogBattleSilent(ILogger logger, Guid battleId, string error);

    [LoggerMessage(EventId = 206, Level = LogLevel.Information, Message = "Silo {Silo} is draining: no new battles there")]
    private static partial void LogSiloDraining(ILogger logger, string silo);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "The registry's state could not be stored; it is kept in memory and written again on the next sweep")]
    private static partial void LogPersistFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Battle {BattleId} ended")]
    private static partial void LogBattleEnded(ILogger logger, Guid battleId);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Map {Map} holds at most {MaxTeamSize} tanks a side: battles are capped there (Matchmaking:TeamSize {TeamSize})")]
    private static partial void LogTeamsCapped(ILogger logger, string map, int maxTeamSize, int teamSize);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Battle {BattleId} could not start; its players are free again")]
    private static partial void LogBattleStartFailed(ILogger logger, Exception exception, Guid battleId);
}
