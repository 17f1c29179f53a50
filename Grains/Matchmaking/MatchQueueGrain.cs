using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Serialization;
using Orleans.Utilities;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Sessions;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// One queue shard: its tickets, the battles it formed and who is in them. Every change is written to
/// <see cref="IMatchStore"/> as it happens, one field per ticket or battle, so a new activation on another silo
/// carries on where a lost one stopped and no write grows with the population.
/// <para>
/// It owns every battle it starts until the battle is settled: a sweep asks each for its status every
/// <see cref="MatchmakingOptions.BattleCheckInterval"/>. The ask activates a battle whose silo was lost on another silo
/// (it resumes from its checkpoint, or carries on storing its results); a battle that answers unknown, or not at all
/// for <see cref="MatchmakingOptions.BattleLostAfter"/>, frees its players. New battles go to the active silo running
/// the fewest of this shard's battles, never to a draining one.
/// </para>
/// </summary>
public sealed partial class MatchQueueGrain(
    IMatchStore store,
    Serializer serializer,
    IOptions<MatchmakingOptions> options,
    IOptions<Orleans.Configuration.ClusterOptions> cluster,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    GrainClock time,
    ILogger<MatchQueueGrain> logger)
    : Grain, IMatchQueueGrain
{
    private static readonly TimeSpan BattleCallTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PlayerCallTimeout = TimeSpan.FromSeconds(3);
    private readonly MatchmakingOptions _options = options.Value;

    // Tickets in arrival order (withdrawn ones are dropped at the next matching pass) and by id and member.
    private readonly List<QueueEntry> _arrivals = [];
    private readonly Dictionary<long, QueueEntry> _tickets = [];
    private readonly Dictionary<long, long> _ticketOf = [];
    private long _nextSequence;
    private int _queuedPlayers;

    private readonly Dictionary<Guid, ShardBattle> _battles = [];
    private readonly Dictionary<long, Guid> _playerBattles = [];
    private readonly Dictionary<Guid, string> _battleSilo = [];
    private readonly Dictionary<Guid, DateTimeOffset> _silentSince = [];
    private readonly Dictionary<string, DateTimeOffset> _draining = [];
    private readonly HashSet<Guid> _starting = [];
    private readonly Dictionary<Guid, DateTimeOffset> _startedSince = [];

    // Writes that did not reach the store yet: the in-memory state stays the truth, the sweep writes them again.
    private readonly Dictionary<string, HashSet<string>> _unwritten = [];
    private ObserverManager<IMatchObserver>? _observers;
    private int _maxTeamSize;
    private bool _sweeping;
    private string _ticketsKey = "";
    private string _battlesKey = "";
    private long _battlesStarted;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _maxTeamSize = MapCapacity.MaxTeamSize(_options.Map, _options.TeamSize);
        var prefix = $"{cluster.Value.ServiceId}/match/{Shard.ToString(CultureInfo.InvariantCulture)}";
        _ticketsKey = prefix + "/tickets";
        _battlesKey = prefix + "/battles";

        foreach (var (_, bytes) in (await store.LoadAsync(_ticketsKey)).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            AddTicket(serializer.Deserialize<MatchTicket>(bytes)!);
        }

        _arrivals.Sort((a, b) => a.Ticket.QueuedAt.CompareTo(b.Ticket.QueuedAt));
        foreach (var (_, bytes) in await store.LoadAsync(_battlesKey))
        {
            var battle = serializer.Deserialize<ShardBattle>(bytes)!;
            _battles[battle.Assignment.BattleId] = battle;
            if (!battle.Ended)
            {
                foreach (var player in battle.Assignment.Players)
                {
                    _playerBattles[player.UserId] = battle.Assignment.BattleId;
                }
            }
        }

        if (_tickets.Count > 0 || _battles.Count > 0)
        {
            LogLoaded(logger, Shard, _tickets.Count, _battles.Count);
        }

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
        MatchMetrics.ShardActivated();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        MatchMetrics.QueueChanged(Shard, -_queuedPlayers);
        MatchMetrics.ShardDeactivated();
        return Task.CompletedTask;
    }

    public async Task<PlayerStatus> EnqueueAsync(MatchTicket ticket)
    {
        if (ticket.Members.IsDefaultOrEmpty || ticket.Members.Length > MatchTicket.MaxPlatoonSize)
        {
            throw new ArgumentException($"A ticket holds 1 to {MatchTicket.MaxPlatoonSize} players.", nameof(ticket));
        }

        foreach (var member in ticket.Members)
        {
            if (_playerBattles.TryGetValue(member.UserId, out var battleId))
            {
                return new PlayerStatus(PlayerState.InBattle, battleId, Shard: Shard); // back into the running battle
            }
        }

        if (_tickets.TryGetValue(ticket.TicketId, out var queued))
        {
            if (queued.Ticket.Members.SequenceEqual(ticket.Members))
            {
                return Status(ticket.Members[0].UserId);
            }

            RemoveTicket(queued); // changed (another tank, another member): same place in the queue, new content
            ticket = ticket with { QueuedAt = queued.Ticket.QueuedAt };
            AddTicket(ticket, queued.Sequence);
            _arrivals.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        }
        else
        {
            // A member queued in another ticket (solo, then in a platoon) leaves that one.
            foreach (var member in ticket.Members)
            {
                if (_ticketOf.TryGetValue(member.UserId, out var other) && _tickets.TryGetValue(other, out var otherEntry))
                {
                    RemoveTicket(otherEntry);
                    Changed(_ticketsKey, Field(other));
                }
            }

            AddTicket(ticket with { QueuedAt = time.GetUtcNow() });
        }

        Changed(_ticketsKey, Field(ticket.TicketId));
        await FlushAsync(throwOnFailure: true);
        return Status(ticket.Members[0].UserId);
    }

    public async Task WithdrawAsync(long ticketId)
    {
        if (_tickets.TryGetValue(ticketId, out var entry))
        {
            RemoveTicket(entry);
            Changed(_ticketsKey, Field(ticketId));
            await FlushAsync(throwOnFailure: true);
        }
    }

    public Task<ImmutableArray<PlayerStatus>> GetStatusesAsync(ImmutableArray<long> userIds)
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
            await FlushAsync(throwOnFailure: false);
            LogBattleEnded(logger, battleId);
        }
    }

    public async Task BattleSettledAsync(Guid battleId)
    {
        Release(battleId, settled: true);
        await FlushAsync(throwOnFailure: false);
    }

    public Task<bool> IsBattleLiveAsync(Guid battleId)
        => Task.FromResult(_battles.TryGetValue(battleId, out var battle) && !battle.Ended);

    public Task SiloDrainingAsync(string silo)
    {
        _draining[silo] = time.GetUtcNow();
        return Task.CompletedTask;
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

    public Task<ShardStats> GetStatsAsync()
        => Task.FromResult(new ShardStats(Shard, _queuedPlayers, _battles.Values.Count(b => !b.Ended), _playerBattles.Count, _battlesStarted, _tickets.Count,
            localSilo.SiloAddress.ToParsableString()));

    public Task<ImmutableArray<LiveBattle>> ListBattlesAsync(int max)
    {
        var list = ImmutableArray.CreateBuilder<LiveBattle>();
        foreach (var (id, battle) in _battles)
        {
            if (list.Count >= max)
            {
                break;
            }

            if (!battle.Ended)
            {
                list.Add(new LiveBattle(battle.Assignment, _battleSilo.GetValueOrDefault(id)));
            }
        }

        return Task.FromResult(list.ToImmutable());
    }

    private PlayerStatus Status(long userId)
    {
        if (_playerBattles.TryGetValue(userId, out var battleId))
        {
            return new PlayerStatus(PlayerState.InBattle, battleId, Shard: Shard);
        }

        if (!_ticketOf.TryGetValue(userId, out var ticketId) || !_tickets.TryGetValue(ticketId, out var entry))
        {
            return PlayerStatus.Idle with { Shard = Shard };
        }

        // Tickets ahead = those that arrived between the oldest still queued and this one (an upper bound: withdrawn
        // ones in between count until the next matching pass drops them), without a scan of the queue.
        var oldest = _arrivals.FirstOrDefault(e => !e.Removed)?.Sequence ?? entry.Sequence;
        var position = (int)Math.Clamp(entry.Sequence - oldest + 1, 1, _tickets.Count);
        return new PlayerStatus(PlayerState.Queued, default, position, _queuedPlayers, time.GetUtcNow() - entry.Ticket.QueuedAt, Shard);
    }

    private void AddTicket(MatchTicket ticket, long? sequence = null)
    {
        var entry = new QueueEntry(ticket, sequence ?? _nextSequence++);
        _nextSequence = Math.Max(_nextSequence, entry.Sequence + 1);
        _arrivals.Add(entry);
        _tickets[ticket.TicketId] = entry;
        foreach (var member in ticket.Members)
        {
            _ticketOf[member.UserId] = ticket.TicketId;
        }

        _queuedPlayers += ticket.Members.Length;
        MatchMetrics.QueueChanged(Shard, ticket.Members.Length);
    }

    private void RemoveTicket(QueueEntry entry)
    {
        entry.Removed = true;
        _tickets.Remove(entry.Ticket.TicketId);
        foreach (var member in entry.Ticket.Members)
        {
            if (_ticketOf.TryGetValue(member.UserId, out var id) && id == entry.Ticket.TicketId)
            {
                _ticketOf.Remove(member.UserId);
            }
        }

        _queuedPlayers -= entry.Ticket.Members.Length;
        MatchMetrics.QueueChanged(Shard, -entry.Ticket.Members.Length);
    }

    /// <summary>Frees a live battle's players (true if it was live); an unsettled battle stays watched until settled.</summary>
    private bool Release(Guid battleId, bool settled)
    {
        _silentSince.Remove(battleId);
        _startedSince.Remove(battleId);
        if (!_battles.TryGetValue(battleId, out var battle))
        {
            return false;
        }

        var wasLive = !battle.Ended;
        if (wasLive)
        {
            foreach (var player in battle.Assignment.Players)
            {
                if (_playerBattles.TryGetValue(player.UserId, out var current) && current == battleId)
                {
                    _playerBattles.Remove(player.UserId);
                }

                Forget(GrainFactory.GetGrain<IPlayerGrain>(player.UserId).BattleOverAsync(battleId).WaitAsync(PlayerCallTimeout));
            }
        }

        if (settled)
        {
            _battles.Remove(battleId);
            _battleSilo.Remove(battleId);
        }
        else if (wasLive)
        {
            _battles[battleId] = battle with { Ended = true };
        }

        if (settled || wasLive)
        {
            Changed(_battlesKey, Field(battleId));
        }

        return wasLive;
    }

    /// <summary>
    /// Asks every battle it owns for its status (in parallel, each bounded by a timeout) and acts on the answers: a lost
    /// battle is resumed by the very ask, an ended one frees its players, a settled one is forgotten, an unknown one or
    /// one silent for too long is given up.
    /// </summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        if (_unwritten.Count > 0)
        {
            await FlushAsync(throwOnFailure: false);
        }

        if (_sweeping)
        {
            return;
        }

        _sweeping = true;
        try
        {
            // A battle whose StartAsync is still on its way has no state yet: asking it now would give it up.
            var ids = _battles.Keys.Where(id => !_starting.Contains(id)).ToArray();
            if (ids.Length == 0)
            {
                return;
            }

            var answers = await Task.WhenAll(ids.Select(AskAsync));
            var now = time.GetUtcNow();
            for (var i = 0; i < ids.Length; i++)
            {
                if (!_starting.Contains(ids[i]))
                {
                    Apply(ids[i], answers[i], now);
                }
            }

            foreach (var (silo, since) in _draining.ToArray())
            {
                if (now - since > TimeSpan.FromMinutes(10))
                {
                    _draining.Remove(silo); // a drained silo is long gone; a new one may have its address
                }
            }

            await FlushAsync(throwOnFailure: false);
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

    private void Apply(Guid battleId, BattleStatus? status, DateTimeOffset now)
    {
        if (!_battles.TryGetValue(battleId, out var battle))
        {
            return;
        }

        var live = !battle.Ended;
        switch (status?.Phase)
        {
            case BattlePhase.Running:
                // Runs, though perhaps given up or reported ended: it learns so on its next resume or end. Keep asking.
                _silentSince.Remove(battleId);
                if (status.Silo is not null)
                {
                    _battleSilo[battleId] = status.Silo;
                }

                break;
            case BattlePhase.Ended:
                Release(battleId, settled: status.Settled);
                break;
            case BattlePhase.Unknown:
                // No state at all: it never started, or settled and was cleared. Nothing will ever end it: free its players.
                // (An answer asked for before the battle's start landed says nothing: the start may have come since.)
                if (_startedSince.TryGetValue(battleId, out var started) && now - started < 2 * _options.BattleCheckInterval)
                {
                    break;
                }

                if (live)
                {
                    LogBattleLost(logger, battleId, "it has no state");
                    BattleMetrics.GivenUp();
                }

                Release(battleId, settled: true);
                break;
            default:
                if (!_silentSince.TryGetValue(battleId, out var since))
                {
                    _silentSince[battleId] = now;
                }
                else if (live && now - since > _options.BattleLostAfter)
                {
                    LogBattleLost(logger, battleId, $"silent for {(now - since).TotalSeconds:0} s");
                    BattleMetrics.GivenUp();
                    Release(battleId, settled: false); // still asked: its results may yet come
                }

                break;
        }
    }

    /// <summary>Runs the matcher over the queue, starts each formed battle and tells the gateways.</summary>
    private async Task MatchAsync(CancellationToken cancellationToken)
    {
        _arrivals.RemoveAll(e => e.Removed);
        if (_queuedPlayers < 2)
        {
            return;
        }

        var queue = new List<MatchTicket>(_arrivals.Count);
        foreach (var entry in _arrivals)
        {
            queue.Add(entry.Ticket);
        }

        var now = time.GetUtcNow();
        var formed = Matchmaker.Form(queue, now, _options, _maxTeamSize);
        if (formed.Count == 0)
        {
            return;
        }

        var assignments = new List<BattleAssignment>(formed.Count);
        foreach (var battle in formed)
        {
            var players = ImmutableArray.CreateBuilder<BattlePlayer>(battle.TeamA.Count + battle.TeamB.Count);
            AddTeam(players, battle, battle.TeamA, 0, 0);
            AddTeam(players, battle, battle.TeamB, 1, battle.TeamA.Count);
            var assignment = new BattleAssignment(Guid.NewGuid(), _options.Map, (ulong)Random.Shared.NextInt64(), players.MoveToImmutable(), Shard);
            foreach (var ticket in battle.Tickets)
            {
                if (_tickets.TryGetValue(ticket.TicketId, out var entry))
                {
                    RemoveTicket(entry);
                }

                Changed(_ticketsKey, Field(ticket.TicketId));
            }

            _battles[assignment.BattleId] = new ShardBattle(assignment, Ended: false);
            Changed(_battlesKey, Field(assignment.BattleId));
            _starting.Add(assignment.BattleId);
            foreach (var player in assignment.Players)
            {
                _playerBattles[player.UserId] = assignment.BattleId;
            }

            _battlesStarted++;
            MatchMetrics.Matched(Shard, battle, now);
            assignments.Add(assignment);
        }

        _arrivals.RemoveAll(e => e.Removed);

        // Stored first: if this silo dies now, the next activation knows these battles and their players.
        await FlushAsync(throwOnFailure: false);
        // One after the other, each told to the gateways as soon as it runs (they send BattleStart at once; a battle told
        // later would reach its players through the status poll first, and twice).
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

                LogBattleStarted(logger, assignment.BattleId, assignment.Players.Length, Shard, silo?.ToString() ?? "any");
                _observers!.Notify(o => o.BattleStarted(assignment));
                // Not awaited: a player grain may be waiting on this shard (its join) while this turn runs; awaiting it here
                // would hold both until the timeout. The shard answers for its battles either way.
                foreach (var player in assignment.Players)
                {
                    Forget(GrainFactory.GetGrain<IPlayerGrain>(player.UserId).MatchedAsync(assignment.BattleId, Shard).WaitAsync(PlayerCallTimeout));
                }
            }
            catch (Exception ex)
            {
                // Not started (its first checkpoint could not be stored, or its silo did not answer): the players are
                // free at once; should it have started after all, the sweep finds it running and it learns it was given up.
                LogBattleStartFailed(logger, ex, assignment.BattleId);
                Release(assignment.BattleId, settled: false);
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                _starting.Remove(assignment.BattleId);
                _startedSince[assignment.BattleId] = time.GetUtcNow();
            }
        }

        await FlushAsync(throwOnFailure: false);
    }

    private static void AddTeam(ImmutableArray<BattlePlayer>.Builder players, FormedBattle battle, IReadOnlyList<TicketMember> team, int teamIndex, int firstSlot)
    {
        for (var i = 0; i < team.Count; i++)
        {
            var member = team[i];
            var ticket = battle.Tickets.First(t => t.Members.Any(m => m.UserId == member.UserId));
            var platoon = ticket.Members.Length > 1 ? ticket.TicketId : 0;
            players.Add(new BattlePlayer(member.UserId, teamIndex, firstSlot + i, member.TankClass, member.UserName, member.Rating, member.Deviation, platoon));
        }
    }

    /// <summary>The active, non-draining silo with the fewest of this shard's battles (null: let placement choose).</summary>
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

    private static string Field(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Field(Guid id) => id.ToString("N");

    private void Changed(string key, string field)
    {
        if (!_unwritten.TryGetValue(key, out var fields))
        {
            _unwritten[key] = fields = [];
        }

        fields.Add(field);
    }

    /// <summary>
    /// Writes every changed field from the in-memory state (a ticket or battle that is gone is deleted). A failure keeps
    /// them to write again on the next sweep; <paramref name="throwOnFailure"/>: the caller's request fails too (a join
    /// the store did not take is not confirmed).
    /// </summary>
    private async Task FlushAsync(bool throwOnFailure)
    {
        if (_unwritten.Count == 0)
        {
            return;
        }

        var pending = _unwritten.ToArray();
        _unwritten.Clear();
        try
        {
            foreach (var (key, fields) in pending)
            {
                var changes = fields.Select(field => new KeyValuePair<string, byte[]?>(field, Serialize(key, field))).ToArray();
                await store.WriteAsync(key, changes);
            }
        }
        catch (Exception ex)
        {
            foreach (var (key, fields) in pending)
            {
                foreach (var field in fields)
                {
                    Changed(key, field);
                }
            }

            LogStoreFailed(logger, ex, Shard);
            if (throwOnFailure)
            {
                throw new Interfaces.ServiceUnavailableException("The matchmaking store is unavailable; try again.");
            }
        }
    }

    private byte[]? Serialize(string key, string field)
    {
        if (key == _ticketsKey)
        {
            var id = long.Parse(field, CultureInfo.InvariantCulture);
            return _tickets.TryGetValue(id, out var entry) ? serializer.SerializeToArray(entry.Ticket) : null;
        }

        return _battles.TryGetValue(Guid.ParseExact(field, "N"), out var battle) ? serializer.SerializeToArray(battle) : null;
    }

    private void Forget(Task task)
        => task.ContinueWith(t => LogPointerFailed(logger, t.Exception!.InnerException?.GetType().Name ?? "error"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private sealed class QueueEntry(MatchTicket ticket, long sequence)
    {
        public MatchTicket Ticket { get; } = ticket;
        public long Sequence { get; } = sequence;
        public bool Removed { get; set; }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Battle {BattleId} started with {Players} players by shard {Shard} on silo {Silo}")]
    private static partial void LogBattleStarted(ILogger logger, Guid battleId, int players, int shard, string silo);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Battle {BattleId} ended")]
    private static partial void LogBattleEnded(ILogger logger, Guid battleId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Battle {BattleId} could not start; its players are free again")]
    private static partial void LogBattleStartFailed(ILogger logger, Exception exception, Guid battleId);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Battle {BattleId} given up ({Why}): its players are free")]
    private static partial void LogBattleLost(ILogger logger, Guid battleId, string why);

    [LoggerMessage(EventId = 205, Level = LogLevel.Debug, Message = "Battle {BattleId} did not answer the sweep ({Error})")]
    private static partial void LogBattleSilent(ILogger logger, Guid battleId, string error);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "Queue shard {Shard} could not write its changes; they are kept in memory and written again on the next sweep")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int shard);

    [LoggerMessage(EventId = 208, Level = LogLevel.Information, Message = "Queue shard {Shard} loaded {Tickets} tickets and {Battles} battles")]
    private static partial void LogLoaded(ILogger logger, int shard, int tickets, int battles);

    [LoggerMessage(EventId = 209, Level = LogLevel.Debug, Message = "A player's battle pointer could not be set or cleared ({Error}); the shard answers for the battle")]
    private static partial void LogPointerFailed(ILogger logger, string error);
}

/// <summary>A battle a shard formed and owns: live, or ended and waiting until its results are stored.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.ShardBattle")]
public sealed record ShardBattle(
    [property: Id(0)] BattleAssignment Assignment,
    [property: Id(1)] bool Ended);
