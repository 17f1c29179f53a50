using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Utilities;
using Tanks.Game;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Sessions;

/// <summary>
/// One battle. A grain timer runs the fixed-step simulation (<see cref="Battle"/>, tanks from the <see cref="TankPool"/>);
/// gateways submit each tick's inputs in one batch and receive one world state per tick through their observer.
/// <para>
/// A battle outlives its silo: every <see cref="SessionOptions.CheckpointInterval"/> it stores its whole simulation, and
/// the first call after its silo was lost (a gateway's subscription or inputs, the registry's sweep) activates it on
/// another silo from that checkpoint, one epoch later (gateways then restart their players' snapshot streams). A silo
/// that stops moves its battles with their exact state (live migration). At the end the results go into an outbox in
/// the battle's own state and are retried until every account has them (<see cref="SessionGrain.Settlement"/>).
/// </para>
/// </summary>
[BattlePlacement]
public sealed partial class SessionGrain(
    [PersistentState("battle", StorageNames.Battles)] IPersistentState<BattleCheckpoint> checkpoint,
    TankPool tankPool,
    SiloBattles siloBattles,
    ILocalSiloDetails localSilo,
    IOptions<SessionOptions> options,
    ILogger<SessionGrain> logger)
    : Grain, ISessionGrain, IGrainMigrationParticipant
{
    private const string MigrationKey = "tanks.battle";
    private static readonly TimeSpan RegistryCallTimeout = TimeSpan.FromSeconds(3);

    private readonly SessionOptions _options = options.Value;
    private readonly Dictionary<long, int> _slotByUser = [];
    private readonly WorldStateBuilder _world = new();
    private TickClock _clock;
    private ObserverManager<ISessionObserver>? _observers;
    private BattleAssignment? _assignment;
    private Battle? _battle;
    private Tank[]? _tanks;
    private TankInput[] _inputs = [];
    /// <summary>Per tank: the sequence of the newest input taken into <see cref="_inputs"/>, applied from the next step on.</summary>
    private uint[] _inputSequences = [];
    private BattleDefinitionData? _definition;
    private byte[] _simulation = [];
    private IGrainTimer? _timer;
    private bool _ticking;
    private int _epoch;
    private int _checkpointTicks = 1;
    private int _lastCheckpointTick;
    private Task? _checkpointWrite;
    private MigratedBattle? _migrated;
    private MigratedBattle? _departing;

    private Guid BattleId => this.GetPrimaryKey();

    /// <summary>This silo as the registry names it (placement hints, battles per silo).</summary>
    private string SiloName => localSilo.SiloAddress.ToParsableString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _observers = new ObserverManager<ISessionObserver>(TimeSpan.FromSeconds(30), logger);
        _checkpointTicks = Math.Max(1, (int)Math.Round(_options.CheckpointInterval.TotalSeconds * _options.TickRate));
        if (_migrated is { } moved)
        {
            // Live migration: the exact state of the moment it left the other silo, subscribers included.
            _migrated = null;
            if (SetUp(moved.Assignment) && _battle!.TryRestore(moved.Simulation))
            {
                _epoch = moved.Epoch;
                _world.TickOffset = moved.TickOffset;
                if (moved.InputSequences is { } sequences && sequences.Length == _inputSequences.Length)
                {
                    sequences.CopyTo(_inputSequences, 0); // the input acks go on where they were
                }

                foreach (var observer in moved.Observers)
                {
                    _observers.Subscribe(observer, observer);
                }

                StartTicking();
                BattleMetrics.Migrated();
                LogMigratedIn(logger, BattleId, _battle.Tick);
                return;
            }
        }

        var saved = checkpoint.State;
        if (!checkpoint.RecordExists || saved.Assignment is null)
        {
            return; // unknown: callers get Unknown and the activation goes
        }

        if (saved.Phase == BattlePhase.Ended)
        {
            // Over before its silo went: carry on storing its results.
            _assignment = saved.Assignment;
            ResumeSettlement();
            return;
        }

        await ResumeFromCheckpointAsync(saved);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Deactivation runs before dehydration: a battle that moves takes its state of this very moment along.
        if (reason.ReasonCode == DeactivationReasonCode.Migrating && _ticking && _battle is not null && _assignment is not null)
        {
            var length = _battle.WriteBinary(_simulation);
            _departing = new MigratedBattle(
                _assignment, _simulation.AsSpan(0, length).ToArray(), _epoch, [.. _observers!.Observers.Values], _world.TickOffset,
                [.. _inputSequences]);
            LogMigratingOut(logger, BattleId, _battle.Tick, _departing.Observers.Length);
        }

        StopTicking();
        ReleaseTanks();
        return Task.CompletedTask;
    }

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_departing is { } departing)
        {
            dehydrationContext.TryAddValue(MigrationKey, departing);
        }
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue<MigratedBattle>(MigrationKey, out var moved) && moved is not null)
        {
            _migrated = moved;
        }
    }

    public async Task StartAsync(BattleAssignment assignment)
    {
        if (_assignment is not null || checkpoint.RecordExists)
        {
            return; // a retried start: already running (or over)
        }

        if (!SetUp(assignment))
        {
            throw new ArgumentException($"battle {assignment.BattleId}: the assignment does not fit map {assignment.MapId}");
        }

        try
        {
            await SaveCheckpointAsync(); // a battle that could not be resumed elsewhere does not start
        }
        catch
        {
            ReleaseTanks();
            _battle = null;
            _assignment = null;
            DeactivateOnIdle();
            throw;
        }

        StartTicking();
        LogStarted(logger, BattleId, assignment.Players.Length, assignment.MapId, SiloName);
    }

    public Task SubmitInputsAsync(InputBatch batch)
    {
        if (!_ticking)
        {
            ForgetIfUnknown();
            return Task.CompletedTask;
        }

        foreach (var input in batch.Inputs)
        {
            if (_slotByUser.TryGetValue(input.UserId, out var slot))
            {
                _inputs[slot] = new TankInput(input.Throttle, input.Steering, input.TurretYaw, input.Fire);
                if (input.Sequence != 0)
                {
                    // 0 is the gateway's own idling input (a player who left), not one of the client's.
                    _inputSequences[slot] = input.Sequence;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<BattleStatus> SubscribeAsync(ISessionObserver observer)
    {
        if (_ticking)
        {
            _observers!.Subscribe(observer, observer);
        }

        return Task.FromResult(Status());
    }

    public Task UnsubscribeAsync(ISessionObserver observer)
    {
        _observers!.Unsubscribe(observer);
        ForgetIfUnknown();
        return Task.CompletedTask;
    }

    public Task<BattleInfo?> GetInfoAsync()
    {
        if (_assignment is null)
        {
            ForgetIfUnknown();
            return Task.FromResult<BattleInfo?>(null);
        }

        var over = !_ticking;
        return Task.FromResult<BattleInfo?>(new BattleInfo(_assignment, _battle?.Tick ?? checkpoint.State.Tick, _options.TickRate, over, _epoch, SiloName));
    }

    public Task<BattleDefinitionData?> GetDefinitionAsync()
    {
        if (_definition is null || !_ticking)
        {
            ForgetIfUnknown();
            return Task.FromResult<BattleDefinitionData?>(null);
        }

        return Task.FromResult<BattleDefinitionData?>(_definition);
    }

    public Task<BattleStatus> EnsureRunningAsync() => Task.FromResult(Status());

    public async Task DrainAsync(bool canMove)
    {
        if (!_ticking || _battle is null || !siloBattles.Draining)
        {
            return; // already moved to a silo that is not stopping
        }

        if (!canMove)
        {
            LogAbortedAtShutdown(logger, BattleId, _battle.Tick);
            await EndAsync(_battle, aborted: true);
            return;
        }

        // A fresh checkpoint first: should the move fail half-way, the battle resumes from here rather than from older.
        await AwaitCheckpointWriteAsync();
        try
        {
            await SaveCheckpointAsync();
        }
        catch (Exception ex)
        {
            LogCheckpointFailed(logger, ex, BattleId, _battle.Tick);
        }

        this.MigrateOnIdle();
    }

    private BattleStatus Status()
    {
        if (_ticking && _battle is not null)
        {
            return new BattleStatus(BattlePhase.Running, _battle.Tick, _epoch, SiloName);
        }

        if (_summary is not null)
        {
            return new BattleStatus(BattlePhase.Ended, _summary.Ticks, _epoch, SiloName, _summary, Settled: IsSettled);
        }

        ForgetIfUnknown();
        return BattleStatus.Unknown;
    }

    /// <summary>A call for a battle that never started (or is long settled) must not keep an empty activation alive.</summary>
    private void ForgetIfUnknown()
    {
        if (_assignment is null && !_ticking)
        {
            DeactivateOnIdle();
        }
    }

    private async Task ResumeFromCheckpointAsync(BattleCheckpoint saved)
    {
        var assignment = saved.Assignment!;
        bool live;
        try
        {
            live = await Registry.IsBattleLiveAsync(BattleId).WaitAsync(RegistryCallTimeout);
        }
        catch (Exception ex)
        {
            LogRegistryUnreachable(logger, ex, BattleId);
            live = true; // the registry's sweep settles it either way
        }

        if (!SetUp(assignment) || saved.Simulation is null || !_battle!.TryRestore(saved.Simulation))
        {
            LogCheckpointUnusable(logger, BattleId, saved.Tick);
            await AbortWithoutStateAsync(assignment);
            return;
        }

        if (!live)
        {
            LogGivenUp(logger, BattleId, _battle.Tick);
            await EndAsync(_battle, aborted: true);
            return;
        }

        // A new epoch, stored before the first tick: gateways restart their snapshot streams (ticks go back to the
        // checkpoint's), and a second resume of this same checkpoint gets an epoch of its own.
        _epoch = saved.Epoch + 1;
        // The lost activation ticked at most wall-clock speed since the checkpoint (catch-up is capped, stalls are
        // dropped): wire ticks resume above anything it can have sent, with a second of margin for clock skew.
        var away = Math.Max(0, (DateTime.UtcNow - saved.SavedAtUtc).TotalSeconds);
        _world.TickOffset = saved.TickOffset + (int)Math.Ceiling(away * _options.TickRate) + _options.TickRate + TickClock.MaxCatchUpSteps;
        await SaveCheckpointAsync();
        StartTicking();
        BattleMetrics.Resumed();
        LogResumed(logger, BattleId, _battle.Tick, _epoch, DateTime.UtcNow - saved.SavedAtUtc, SiloName);
    }

    /// <summary>Builds the simulation for an assignment (tanks from the pool); false when the assignment does not fit the map.</summary>
    private bool SetUp(BattleAssignment assignment)
    {
        var classes = TankClasses.All();
        var players = new PlayerSlot[assignment.Players.Length];
        _slotByUser.Clear();
        foreach (var player in assignment.Players)
        {
            if (player.Slot < 0 || player.Slot >= players.Length)
            {
                return false;
            }

            players[player.Slot] = new PlayerSlot(player.Team, ClassIndex(classes, player.TankClass), player.UserId);
            _slotByUser[player.UserId] = player.Slot;
        }

        var setup = new BattleSetup(BuiltInMaps.Load(assignment.MapId), players, assignment.Seed)
        {
            TickRate = _options.TickRate,
            Rules = BattleRules.Default with
            {
                TimeLimitSeconds = (float)_options.TimeLimit.TotalSeconds,
                FriendlyFire = _options.FriendlyFire,
            },
            Classes = classes,
        };
        ReleaseTanks();
        _tanks = tankPool.Rent(players.Length);
        try
        {
            _battle = new Battle(setup, _tanks);
        }
        catch (ArgumentException)
        {
            ReleaseTanks();
            return false;
        }

        _inputs = new TankInput[players.Length];
        _inputSequences = new uint[players.Length]; // not checkpointed: after a resume 0 until each player's next input
        _definition = BattleDefinitionBuilder.Build(setup);
        _simulation = new byte[_battle.MaxBinarySize];
        _assignment = assignment;
        return true;
    }

    private void StartTicking()
    {
        var battle = _battle!;
        // Tick 0 lies `Tick` periods before the battle's next grid point: the next tick is the one after the current,
        // whatever time passed while the battle was away (no replay of a pause).
        _clock = TickClock.ResumeAt(battle.Tick, TickGrid.Origin(Stopwatch.GetTimestamp(), _options.TickRate, BattleId), _options.TickRate, Stopwatch.Frequency);
        _lastCheckpointTick = battle.Tick;
        _ticking = true;
        siloBattles.Add(BattleId);
        BattleMetrics.BattleStarted();
        // One-shot, re-armed after each tick for the next tick's wall-clock time: a periodic timer drifts by its
        // callback's run time and scheduling delay (measured ~4 % slow at 20 Hz).
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(UntilTick(battle.Tick + 1), Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private void StopTicking()
    {
        _timer?.Dispose();
        _timer = null;
        if (_ticking)
        {
            _ticking = false;
            siloBattles.Remove(BattleId);
            BattleMetrics.BattleStopped();
        }
    }

    private TimeSpan UntilTick(int tick) => _clock.Until(tick, Stopwatch.GetTimestamp(), Stopwatch.Frequency);

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (!_ticking)
        {
            return;
        }

        var battle = _battle!;
        // Game time follows the wall clock: step the ticks that are due (more than one only after a stall, at most
        // TickClock.MaxCatchUpSteps per firing, the rest of a stall dropped), none when a tick ahead.
        var steps = _clock.StepsDue(battle.Tick, Stopwatch.GetTimestamp());
        if (steps == 0)
        {
            _timer!.Change(UntilTick(battle.Tick + 1), Timeout.InfiniteTimeSpan); // fired early: wait for the tick's time
            return;
        }

        var frames = _observers!.Count > 0 ? ImmutableArray.CreateBuilder<BattleFrame>(steps) : null;
        for (var s = 0; s < steps && !battle.IsOver; s++)
        {
            StepOnce(battle, frames);
        }

        if (frames is { Count: > 0 })
        {
            var batch = frames.ToImmutable();
            _observers.Notify(o => o.OnFrames(batch));
        }

        if (battle.IsOver)
        {
            await EndAsync(battle, aborted: false);
            return;
        }

        if (battle.Tick - _lastCheckpointTick >= _checkpointTicks && _checkpointWrite is not { IsCompleted: false })
        {
            _checkpointWrite = CheckpointAsync(battle.Tick);
        }

        _timer!.Change(UntilTick(battle.Tick + 1), Timeout.InfiniteTimeSpan);
    }

    private void StepOnce(Battle battle, ImmutableArray<BattleFrame>.Builder? frames)
    {
        var started = Stopwatch.GetTimestamp();
        battle.Step(_inputs);
        for (var i = 0; i < _inputs.Length; i++)
        {
            // A shot is one press: firing again needs a new input (movement and aim persist until changed).
            _inputs[i] = _inputs[i] with { Fire = false };
        }

        if (frames is not null)
        {
            // Each team gets only the events it may learn of (spotting); without spotting one copy serves both. All of them
            // go too, for observers that see everything (the viewer).
            var spotting = battle.Rules.Spotting;
            frames.Add(new BattleFrame(
                BattleId, battle.Tick + _world.TickOffset, _world.StateBytes(battle, _inputSequences), _world.EventBytes(battle), _epoch,
                spotting ? _world.EventBytes(battle, 0) : null, spotting ? _world.EventBytes(battle, 1) : null));
        }

        BattleMetrics.Tick(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>A periodic checkpoint, off the tick's path: a failed one is logged and the next one tries again.</summary>
    private async Task CheckpointAsync(int tick)
    {
        try
        {
            await SaveCheckpointAsync();
        }
        catch (InconsistentStateException ex)
        {
            // Someone else stored this battle since: another activation of it runs (a healed partition). This one yields.
            LogDuplicate(logger, ex, BattleId, tick);
            StopTicking();
            DeactivateOnIdle();
        }
        catch (Exception ex)
        {
            BattleMetrics.CheckpointFailed();
            LogCheckpointFailed(logger, ex, BattleId, tick);
        }
    }

    private async Task SaveCheckpointAsync()
    {
        var battle = _battle!;
        var length = battle.WriteBinary(_simulation);
        var state = checkpoint.State;
        state.Assignment = _assignment;
        state.Phase = BattlePhase.Running;
        state.Simulation = _simulation.AsSpan(0, length).ToArray(); // a copy: the write may serialize after this turn
        state.Tick = battle.Tick;
        state.Epoch = _epoch;
        state.TickOffset = _world.TickOffset;
        state.SavedAtUtc = DateTime.UtcNow;
        await checkpoint.WriteStateAsync();
        _lastCheckpointTick = battle.Tick;
        BattleMetrics.Checkpointed();
    }

    private async Task AwaitCheckpointWriteAsync()
    {
        if (_checkpointWrite is { } write)
        {
            await write; // never throws: CheckpointAsync catches
        }
    }

    private void ReleaseTanks()
    {
        if (_tanks is not null)
        {
            tankPool.Return(_tanks);
            _tanks = null;
        }
    }

    /// <summary>The queue shard that formed this battle and owns it until it is settled.</summary>
    private IMatchQueueGrain Registry => GrainFactory.GetGrain<IMatchQueueGrain>(_assignment?.Shard ?? checkpoint.State.Assignment?.Shard ?? 0);

    private static int ClassIndex(TankClass[] classes, string name)
    {
        for (var i = 0; i < classes.Length; i++)
        {
            if (string.Equals(classes[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return Math.Min(1, classes.Length - 1); // unknown: medium
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Battle {BattleId} running: {Players} players on {Map} (silo {Silo})")]
    private static partial void LogStarted(ILogger logger, Guid battleId, int players, string map, string silo);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Battle {BattleId} resumed from its checkpoint at tick {Tick} (epoch {Epoch}, checkpoint {Age} old) on silo {Silo}")]
    private static partial void LogResumed(ILogger logger, Guid battleId, int tick, int epoch, TimeSpan age, string silo);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Battle {BattleId}: checkpoint at tick {Tick} could not be stored; the next one tries again")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, Guid battleId, int tick);

    [LoggerMessage(EventId = 305, Level = LogLevel.Error, Message = "Battle {BattleId}: its checkpoint (tick {Tick}) does not fit its assignment; it ends aborted")]
    private static partial void LogCheckpointUnusable(ILogger logger, Guid battleId, int tick);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "Battle {BattleId}: the registry gave it up while it was away; it ends aborted at tick {Tick}")]
    private static partial void LogGivenUp(ILogger logger, Guid battleId, int tick);

    [LoggerMessage(EventId = 307, Level = LogLevel.Warning, Message = "Battle {BattleId}: the registry did not answer before resuming; resuming anyway")]
    private static partial void LogRegistryUnreachable(ILogger logger, Exception exception, Guid battleId);

    [LoggerMessage(EventId = 308, Level = LogLevel.Error, Message = "Battle {BattleId}: another activation stored it since (tick {Tick}); this one stops")]
    private static partial void LogDuplicate(ILogger logger, Exception exception, Guid battleId, int tick);

    [LoggerMessage(EventId = 309, Level = LogLevel.Information, Message = "Battle {BattleId} moving to another silo at tick {Tick} with {Observers} subscribers")]
    private static partial void LogMigratingOut(ILogger logger, Guid battleId, int tick, int observers);

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Battle {BattleId} moved here at tick {Tick}")]
    private static partial void LogMigratedIn(ILogger logger, Guid battleId, int tick);

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "Battle {BattleId}: the last silo is stopping; it ends aborted at tick {Tick}")]
    private static partial void LogAbortedAtShutdown(ILogger logger, Guid battleId, int tick);
}
