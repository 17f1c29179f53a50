using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using Tanks.Game;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Models;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Sessions;

/// <summary>
/// One battle. A grain timer runs the fixed-step simulation (<see cref="Battle"/>, tanks from the <see cref="TankPool"/>);
/// gateways submit each tick's inputs in one batch and receive one world state per tick through their observer. At the
/// end the grain writes every player's result into their account, tells the registry, and deactivates.
/// Battles are soft state: a battle lost with its silo ends for its players (the registry frees them on restart).
/// </summary>
public sealed partial class SessionGrain(
    TankPool tankPool,
    IOptions<SessionOptions> options,
    ILogger<SessionGrain> logger)
    : Grain, ISessionGrain
{
    private const int MaxCatchUpSteps = 3;
    private readonly SessionOptions _options = options.Value;
    private long _startedAt;
    private ObserverManager<ISessionObserver>? _observers;
    private BattleAssignment? _assignment;
    private Battle? _battle;
    private Tank[]? _tanks;
    private TankInput[] _inputs = [];
    private readonly Dictionary<long, int> _slotByUser = [];
    private readonly WorldStateBuilder _world = new();
    private IGrainTimer? _timer;
    private bool _ended;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _observers = new ObserverManager<ISessionObserver>(TimeSpan.FromSeconds(30), logger);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ReleaseTanks();
        return Task.CompletedTask;
    }

    public Task StartAsync(BattleAssignment assignment)
    {
        if (_assignment is not null)
        {
            return Task.CompletedTask; // a retried start: already running
        }

        var classes = TankClasses.All();
        var players = new PlayerSlot[assignment.Players.Length];
        foreach (var player in assignment.Players)
        {
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
        _tanks = tankPool.Rent(players.Length);
        _battle = new Battle(setup, _tanks);
        _inputs = new TankInput[players.Length];
        _assignment = assignment;
        _startedAt = TickGrid.Origin(Stopwatch.GetTimestamp(), _options.TickRate, this.GetPrimaryKey());
        // One-shot, re-armed after each tick for the next tick's wall-clock time: a periodic timer drifts by its
        // callback's run time and scheduling delay (measured ~4 % slow at 20 Hz).
        var first = TimeSpan.FromSeconds(1.0 / _options.TickRate) - Stopwatch.GetElapsedTime(_startedAt);
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(first, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        BattleMetrics.BattleStarted();
        LogStarted(logger, this.GetPrimaryKey(), players.Length, assignment.MapId);
        return Task.CompletedTask;
    }

    public Task SubmitInputsAsync(InputBatch batch)
    {
        foreach (var input in batch.Inputs)
        {
            if (_slotByUser.TryGetValue(input.UserId, out var slot))
            {
                _inputs[slot] = new TankInput(input.Throttle, input.Steering, input.TurretYaw, input.Fire);
            }
        }

        return Task.CompletedTask;
    }

    public Task SubscribeAsync(ISessionObserver observer)
    {
        _observers!.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ISessionObserver observer)
    {
        _observers!.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<BattleInfo?> GetInfoAsync()
        => Task.FromResult(_assignment is null || _battle is null
            ? null
            : new BattleInfo(_assignment, _battle.Tick, _options.TickRate, _battle.IsOver));

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var battle = _battle!;
        if (_ended)
        {
            return;
        }

        // Game time follows the wall clock: step the ticks that are due (more than one only after a stall, at most
        // MaxCatchUpSteps per firing), none when a tick ahead.
        var due = (long)(Stopwatch.GetElapsedTime(_startedAt).TotalSeconds * _options.TickRate);
        var behind = due - battle.Tick;
        if (behind < 0)
        {
            // Fired early: wait for the tick's time.
            _timer!.Change(TimeSpan.FromSeconds((battle.Tick + 1) / (double)_options.TickRate) - Stopwatch.GetElapsedTime(_startedAt), Timeout.InfiniteTimeSpan);
            return;
        }

        var steps = (int)Math.Clamp(behind, 1, MaxCatchUpSteps);
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
            await EndAsync(battle);
            return;
        }

        var next = TimeSpan.FromSeconds((battle.Tick + 1) / (double)_options.TickRate) - Stopwatch.GetElapsedTime(_startedAt);
        _timer!.Change(next > TimeSpan.Zero ? next : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
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

        frames?.Add(new BattleFrame(this.GetPrimaryKey(), battle.Tick, _world.StateBytes(battle), _world.EventBytes(battle)));
        BattleMetrics.Tick(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private async Task EndAsync(Battle battle)
    {
        _ended = true;
        _timer?.Dispose();
        BattleMetrics.BattleStopped();
        var battleId = this.GetPrimaryKey();
        var result = battle.Result;
        var outcomes = ImmutableArray.CreateBuilder<PlayerOutcome>(battle.Tanks.Length);
        foreach (var tank in battle.Tanks)
        {
            var stats = tank.Stats;
            outcomes.Add(new PlayerOutcome(tank.PlayerId, tank.Team, stats.Kills, stats.DamageDealt, stats.DamageReceived,
                stats.Shots, stats.Hits, tank.IsAlive));
        }

        var summary = new BattleSummary(battleId, result.Winner, result.Reason.ToString(), battle.Tick, outcomes.MoveToImmutable());
        LogEnded(logger, battleId, result.Winner, summary.Reason, battle.Tick);

        // Results first (each account dedupes by battle id, so a retry after a crash cannot count twice).
        var names = _assignment!.Players.ToDictionary(p => p.UserId, p => p.UserName);
        await Task.WhenAll(summary.Players.Select(p => RecordAsync(battleId, result.Winner, p, names[p.UserId])));
        _observers!.Notify(o => o.OnBattleEnded(summary));
        await GrainFactory.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey).BattleEndedAsync(battleId);
        ReleaseTanks();
        DelayDeactivation(_options.LingerAfterEnd);
        DeactivateOnIdle();
    }

    private async Task RecordAsync(Guid battleId, int winner, PlayerOutcome player, string userName)
    {
        var kind = winner < 0 ? BattleOutcomeKind.Draw : winner == player.Team ? BattleOutcomeKind.Win : BattleOutcomeKind.Loss;
        try
        {
            await GrainFactory.GetGrain<IUserGrain>(userName).RecordBattleAsync(new BattleOutcome(
                battleId, kind, player.Kills, player.DamageDealt, player.DamageReceived, player.Shots, player.Hits, player.Survived));
        }
        catch (Exception ex)
        {
            LogRecordFailed(logger, ex, battleId, player.UserId);
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

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Battle {BattleId} running: {Players} players on {Map}")]
    private static partial void LogStarted(ILogger logger, Guid battleId, int players, string map);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Battle {BattleId}: the result of user {UserId} could not be recorded")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, Guid battleId, long userId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Battle {BattleId} over: winner team {Winner} ({Reason}) after {Ticks} ticks")]
    private static partial void LogEnded(ILogger logger, Guid battleId, int winner, string reason, int ticks);
}
