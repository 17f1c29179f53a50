using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Tanks.Game;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Models;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Sessions;

/// <summary>
/// The end of a battle: the summary goes to the gateways at once, then an outbox in the battle's own persisted state
/// holds what is still to do (tell the registry, store each player's result) and is retried with backoff until done,
/// across storage outages and silo losses (the registry's sweep re-activates an unsettled battle elsewhere). Accounts
/// dedupe by battle id, so a retry never counts a battle twice. Settled, the state is cleared and the grain goes.
/// </summary>
public sealed partial class SessionGrain
{
    private BattleSummary? _summary;
    private IGrainTimer? _settleTimer;
    private int _settleAttempts;
    private bool _settledReported;

    private bool _settled;

    private bool IsSettled => _settled || (checkpoint.State.RegistryTold && checkpoint.State.Unrecorded.Count == 0);

    private async Task EndAsync(Battle battle, bool aborted)
    {
        StopTicking();
        await AwaitCheckpointWriteAsync();
        var result = battle.Result;
        var outcomes = ImmutableArray.CreateBuilder<PlayerOutcome>(battle.Tanks.Length);
        foreach (var tank in battle.Tanks)
        {
            var stats = tank.Stats;
            outcomes.Add(new PlayerOutcome(tank.PlayerId, tank.Team, stats.Kills, stats.DamageDealt, stats.DamageReceived,
                stats.Shots, stats.Hits, tank.IsAlive));
        }

        var summary = aborted
            ? new BattleSummary(BattleId, -1, AbortedReason, battle.Tick, outcomes.MoveToImmutable())
            : new BattleSummary(BattleId, result.Winner, result.Reason.ToString(), battle.Tick, outcomes.MoveToImmutable());
        ReleaseTanks();
        await FinishAsync(summary, recordResults: !aborted);
    }

    /// <summary>A checkpoint that cannot be used: the battle ends aborted, its players are told and freed.</summary>
    private async Task AbortWithoutStateAsync(BattleAssignment assignment)
    {
        StopTicking();
        ReleaseTanks();
        _battle = null;
        _assignment = assignment;
        var outcomes = assignment.Players.Select(p => new PlayerOutcome(p.UserId, p.Team, 0, 0, 0, 0, 0, true)).ToImmutableArray();
        await FinishAsync(new BattleSummary(BattleId, -1, AbortedReason, checkpoint.State.Tick, outcomes), recordResults: false);
    }

    /// <summary>Aborted battles count for nobody: no winner, no stats (the time played is lost, not half-counted).</summary>
    private const string AbortedReason = "Aborted";

    private async Task FinishAsync(BattleSummary summary, bool recordResults)
    {
        _summary = summary;
        if (summary.Reason == AbortedReason)
        {
            BattleMetrics.Aborted();
        }

        LogEnded(logger, BattleId, summary.WinnerTeam, summary.Reason, summary.Ticks);
        var state = checkpoint.State;
        state.Assignment = _assignment;
        state.Phase = BattlePhase.Ended;
        state.Simulation = null;
        state.Tick = summary.Ticks;
        state.Summary = summary;
        state.Unrecorded = recordResults ? [.. summary.Players.Select(p => p.UserId)] : [];
        state.RegistryTold = false;
        state.SavedAtUtc = DateTime.UtcNow;
        _outboxStored = false;

        // The first pass (store the outbox, tell the registry, store the results) gets a second before the players hear
        // of the end: a client that asks for its stats on BattleEnd normally sees them, and one that queues again at
        // once is free at the registry. A store that is down does not hold BattleEnd back longer than that.
        _settling = SettlePassAsync(CancellationToken.None);
        await Task.WhenAny(_settling, Task.Delay(PreNotifyBudget));
        _observers!.Notify(o => o.OnBattleEnded(summary));
        ResumeSettlement();
    }

    private static readonly TimeSpan PreNotifyBudget = TimeSpan.FromSeconds(1);

    private Task<bool>? _settling;
    private bool _outboxStored = true;

    /// <summary>One settlement pass; only one runs at a time (the timer skips a round while one is on its way).</summary>
    private async Task<bool> SettlePassAsync(CancellationToken cancellationToken)
    {
        if (!_outboxStored)
        {
            _outboxStored = await TryPersistAsync(); // the outbox first: if the silo dies now, the next activation has it
        }

        return await TrySettleAsync(cancellationToken);
    }

    /// <summary>Starts (or restarts, in a new activation) the settlement attempts: the first one now.</summary>
    private void ResumeSettlement()
    {
        _summary ??= checkpoint.State.Summary;
        _settleTimer ??= this.RegisterGrainTimer(SettleAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        if (_settling is { IsCompleted: false })
        {
            _settleTimer?.Change(TimeSpan.FromMilliseconds(250), Timeout.InfiniteTimeSpan); // the first pass is still on its way
            return;
        }

        if (_settled || (_settling is { IsCompletedSuccessfully: true, Result: true }))
        {
            _settleTimer?.Dispose();
            _settleTimer = null;
            return;
        }

        _settling = SettlePassAsync(cancellationToken);
        if (await _settling)
        {
            _settleTimer?.Dispose();
            _settleTimer = null;
            return;
        }

        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, _settleAttempts - 1), _options.ResultRetryMax.TotalSeconds));
        _settleTimer?.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>One pass over the outbox; true once everything is stored and the outbox cleared.</summary>
    private async Task<bool> TrySettleAsync(CancellationToken cancellationToken)
    {
        var state = checkpoint.State;
        var changed = false;
        if (!state.RegistryTold)
        {
            try
            {
                await Registry.BattleEndedAsync(BattleId).WaitAsync(RegistryCallTimeout, cancellationToken);
                state.RegistryTold = true;
                changed = true;
            }
            catch (Exception ex)
            {
                LogSettleStepFailed(logger, ex, BattleId, "tell the registry", _settleAttempts + 1);
            }
        }

        if (state.Unrecorded.Count > 0 && _summary is { } summary)
        {
            var pending = state.Unrecorded.ToArray();
            var stored = await Task.WhenAll(pending.Select(userId => RecordAsync(summary, userId)));
            for (var i = 0; i < pending.Length; i++)
            {
                if (stored[i])
                {
                    state.Unrecorded.Remove(pending[i]);
                    changed = true;
                }
            }
        }

        var persisted = !changed || await TryPersistAsync();
        if (IsSettled && persisted)
        {
            try
            {
                if (!_settledReported)
                {
                    await Registry.BattleSettledAsync(BattleId).WaitAsync(RegistryCallTimeout, cancellationToken);
                    _settledReported = true;
                }

                await checkpoint.ClearStateAsync(); // nothing of a settled battle stays in storage
                _settled = true;
                LogSettled(logger, BattleId, _settleAttempts + 1);
                DelayDeactivation(_options.LingerAfterEnd); // late gateway calls still get the summary
                DeactivateOnIdle();
                return true;
            }
            catch (Exception ex)
            {
                LogSettleStepFailed(logger, ex, BattleId, "clear the outbox", _settleAttempts + 1);
            }
        }

        _settleAttempts++;
        return false;
    }

    private async Task<bool> RecordAsync(BattleSummary summary, long userId)
    {
        var player = summary.Players.FirstOrDefault(p => p.UserId == userId);
        var userName = _assignment?.Players.FirstOrDefault(p => p.UserId == userId)?.UserName;
        if (player is null || userName is null)
        {
            return true; // not of this battle: nothing to store
        }

        var winner = summary.WinnerTeam;
        var kind = winner < 0 ? BattleOutcomeKind.Draw : winner == player.Team ? BattleOutcomeKind.Win : BattleOutcomeKind.Loss;
        try
        {
            var (opponentRating, opponentDeviation) = summary.Reason == AbortedReason ? (0, 0) : Opponents(player.Team);
            await GrainFactory.GetGrain<IUserGrain>(userName).RecordBattleAsync(new BattleOutcome(
                BattleId, kind, player.Kills, player.DamageDealt, player.DamageReceived, player.Shots, player.Hits, player.Survived,
                opponentRating, opponentDeviation))
                .WaitAsync(RegistryCallTimeout);
            return true;
        }
        catch (Exception ex)
        {
            BattleMetrics.ResultRetried();
            LogRecordFailed(logger, ex, BattleId, userId, _settleAttempts + 1);
            return false;
        }
    }

    /// <summary>The other team as one opponent for the rating update; (0, 0), unrated, when it was matched without ratings.</summary>
    private (double Rating, double Deviation) Opponents(int team)
    {
        var others = _assignment?.Players.Where(p => p.Team != team && p.Deviation > 0).Select(p => (p.Rating, p.Deviation)).ToList();
        return others is { Count: > 0 } ? Matchmaking.Glicko2.Composite(others) : (0, 0);
    }

    private async Task<bool> TryPersistAsync()
    {
        try
        {
            checkpoint.State.SavedAtUtc = DateTime.UtcNow;
            await checkpoint.WriteStateAsync();
            return true;
        }
        catch (Exception ex)
        {
            LogSettleStepFailed(logger, ex, BattleId, "store the outbox", _settleAttempts + 1);
            return false;
        }
    }

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Battle {BattleId} over: winner team {Winner} ({Reason}) after {Ticks} ticks")]
    private static partial void LogEnded(ILogger logger, Guid battleId, int winner, string reason, int ticks);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Battle {BattleId}: the result of user {UserId} could not be stored yet (attempt {Attempt}); it stays in the outbox")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, Guid battleId, long userId, int attempt);

    [LoggerMessage(EventId = 312, Level = LogLevel.Warning, Message = "Battle {BattleId}: could not {Step} yet (attempt {Attempt}); retrying with backoff")]
    private static partial void LogSettleStepFailed(ILogger logger, Exception exception, Guid battleId, string step, int attempt);

    [LoggerMessage(EventId = 313, Level = LogLevel.Information, Message = "Battle {BattleId} settled: every result stored (attempts {Attempts})")]
    private static partial void LogSettled(ILogger logger, Guid battleId, int attempts);
}
