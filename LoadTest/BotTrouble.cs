using System.Diagnostics;
using Tanks.Protocol.Game;

namespace Tanks.LoadTest;

/// <summary>What a <c>BattleStart</c> means to the bot (<see cref="BotTrouble.OnBattleStart"/>).</summary>
public enum BattleStartKind
{
    /// <summary>A battle the bot is not in (it leaves the one it was in, if any).</summary>
    New,

    /// <summary>The battle the bot is in, started again by the server (moved): reset the snapshot state, play on.</summary>
    Resumed,

    /// <summary>The battle the bot is in, sent again in answer to a <c>JoinQueue</c> it resent: nothing happened.</summary>
    Echo,
}

/// <summary>What the bot must do after <see cref="BotTrouble.CheckBattle"/>.</summary>
public enum TroubleAction
{
    None,

    /// <summary>The battle is stuck: send Leave, disconnect, start over.</summary>
    Leave,

    /// <summary>The snapshots said the battle ended and its <c>BattleEnd</c> never came: queue again.</summary>
    Requeue,
}

/// <summary>
/// One bot's trouble bookkeeping, from explicit timestamps (Stopwatch ticks) so that tests drive it with a fake clock.
/// Driver thread only; it adds to the shared <see cref="TroubleMetrics"/>.
/// <list type="bullet">
/// <item>Snapshot gap: from the last snapshot (or the battle's start) to the next one, or to leaving the battle; counted
/// once it passes the threshold, and then the whole gap adds to the starved time. Not once a snapshot showed the battle
/// over (the wait for <c>BattleEnd</c> is no starvation).</item>
/// <item>Stuck: the battle's deadline is its start + the battle timeout until a snapshot tells the time left; then the
/// arrival of that snapshot + time left + margin. The deadline is taken again only from the first snapshot after a
/// start, a resume or a gap (the battle paused: its end moves), never from every snapshot, so a battle that ticks on
/// at no time left is still caught.</item>
/// <item>Rejoin: from losing the connection (or leaving a stuck battle) to being back in play (queued or a
/// <c>BattleStart</c>); counted failed once, when the timeout passes first.</item>
/// </list>
/// </summary>
public sealed class BotTrouble(TroubleMetrics metrics, TroubleSettings settings)
{
    // How long after a BattleStart the answers to the JoinQueues the bot resent before it may still come.
    private static readonly long EchoWindowTicks = 5 * Stopwatch.Frequency;

    private readonly long _gapThreshold = Ticks(settings.GapThresholdSeconds);
    private readonly long _battleTimeout = Ticks(settings.BattleTimeoutSeconds);
    private readonly long _margin = Ticks(settings.BattleMarginSeconds);
    private readonly long _rejoinTimeout = Ticks(settings.RejoinTimeoutSeconds);

    private bool _inBattle;
    private Guid _battleId;
    private Guid _endedBattleId;
    private int _tickRate;
    private long _battleSince;
    private long _lastSnapshotAt;
    private bool _gapOpen;
    private long _deadline;
    private bool _wantsTimeLeft;
    private bool _overPerSnapshot;
    private BattleEndReasonCode _snapshotEndReason;
    private bool _rejoining;
    private long _rejoinSince;
    private bool _rejoinFailed;
    private int _joinsSent;
    private int _echoes;
    private long _echoesUntil;

    public bool InBattle => _inBattle;

    /// <summary>Whether the next decoded snapshot should report its time left (<see cref="OnDecoded"/>).</summary>
    public bool WantsTimeLeft => _inBattle && _wantsTimeLeft;

    /// <summary>Whether a reconnect is under way (lost, not yet back in play).</summary>
    public bool Rejoining => _rejoining;

    /// <summary>The bot sent a <c>JoinQueue</c> (a resent one may be answered with a second <c>BattleStart</c>).</summary>
    public void OnJoinSent() => _joinsSent++;

    /// <summary>
    /// A <c>BattleStart</c>. The battle the bot is in: an echo of a resent <c>JoinQueue</c> shortly after the start, else
    /// resumed (counted; the deadline extended by the margin at least; the gap left running). Another battle: new (the
    /// previous one, if any, is left).
    /// </summary>
    public BattleStartKind OnBattleStart(Guid battleId, int tickRate, long now)
    {
        BackInPlay();
        if (_inBattle && battleId == _battleId)
        {
            if (_echoes > 0 && now <= _echoesUntil)
            {
                _echoes--;
                return BattleStartKind.Echo;
            }

            metrics.Count(TroubleKind.BattleResumed);
            _deadline = Math.Max(_deadline, now + _margin);
            _wantsTimeLeft = true;
            return BattleStartKind.Resumed;
        }

        if (battleId == _endedBattleId)
        {
            // The bot plays on as told (a real client would too), and the snapshots that never come tell the rest.
            metrics.Count(TroubleKind.BattleAfterEnd);
        }

        LeaveBattle(now);
        (_echoes, _echoesUntil, _joinsSent) = (Math.Max(0, _joinsSent - 1), now + EchoWindowTicks, 0);
        (_inBattle, _battleId, _tickRate, _battleSince, _lastSnapshotAt) = (true, battleId, Math.Max(1, tickRate), now, now);
        (_gapOpen, _deadline, _wantsTimeLeft, _overPerSnapshot) = (false, now + _battleTimeout, true, false);
        return BattleStartKind.New;
    }

    /// <summary>A <c>Snapshot</c> part arrived: closes an open gap (a gap means the battle paused: take the deadline again).</summary>
    public void OnSnapshot(long now)
    {
        if (!_inBattle)
        {
            return;
        }

        if (_gapOpen || now - _lastSnapshotAt > _gapThreshold)
        {
            CloseGap(now);
            _wantsTimeLeft = !_overPerSnapshot;
        }

        _lastSnapshotAt = now;
    }

    /// <summary>A snapshot decoded: its time left (ticks) and end reason (0 while the battle runs).</summary>
    public void OnDecoded(long now, int ticksLeft, byte endReason)
    {
        if (!_inBattle)
        {
            return;
        }

        if (_wantsTimeLeft)
        {
            _deadline = now + ticksLeft * Stopwatch.Frequency / _tickRate + _margin;
            _wantsTimeLeft = false;
        }

        if (endReason != 0 && !_overPerSnapshot)
        {
            // The battle is over; its BattleEnd should follow. If it does not within the margin, it was lost.
            (_overPerSnapshot, _snapshotEndReason) = (true, (BattleEndReasonCode)endReason);
            _deadline = Math.Min(_deadline, now + _margin);
        }
    }

    /// <summary>The bot's pass while in battle: opens a gap past the threshold; at the deadline, what to do.</summary>
    public TroubleAction CheckBattle(long now)
    {
        if (!_inBattle)
        {
            return TroubleAction.None;
        }

        if (!_gapOpen && !_overPerSnapshot && now - _lastSnapshotAt > _gapThreshold)
        {
            _gapOpen = true;
            metrics.Count(TroubleKind.SnapshotGap);
            metrics.GapOpened();
        }

        if (now <= _deadline)
        {
            return TroubleAction.None;
        }

        if (_overPerSnapshot)
        {
            metrics.Count(TroubleKind.BattleEndLost);
            if (_snapshotEndReason == BattleEndReasonCode.Aborted)
            {
                metrics.Count(TroubleKind.BattleAborted);
            }

            _endedBattleId = _battleId;
            LeaveBattle(now);
            return TroubleAction.Requeue;
        }

        metrics.Count(TroubleKind.BattleStuck);
        LeaveBattle(now);
        StartRejoin(now);
        return TroubleAction.Leave;
    }

    /// <summary>A <c>BattleEnd</c> of the battle the bot is in.</summary>
    public void OnBattleEnd(BattleEndReasonCode reason, long now)
    {
        if (_inBattle && reason == BattleEndReasonCode.Aborted)
        {
            metrics.Count(TroubleKind.BattleAborted);
        }

        if (_inBattle)
        {
            _endedBattleId = _battleId;
        }

        LeaveBattle(now);
    }

    /// <summary>The bot leaves its battle (any reason): closes the gap and adds the battle's time.</summary>
    public void LeaveBattle(long now)
    {
        if (!_inBattle)
        {
            return;
        }

        CloseGap(now);
        metrics.AddInBattle(Math.Max(0, now - _battleSince) * 1_000_000 / Stopwatch.Frequency);
        _inBattle = false;
    }

    /// <summary>The connection timed out or was disconnected while the bot played: leave the battle, count a reconnect.</summary>
    public void OnConnectionLost(long now)
    {
        LeaveBattle(now);
        if (!_rejoining)
        {
            metrics.Count(TroubleKind.Reconnect);
            StartRejoin(now);
        }
    }

    /// <summary>The server queued the bot (or a <c>BattleStart</c> came): a reconnect is over.</summary>
    public void BackInPlay() => _rejoining = false;

    /// <summary>Counts a failed rejoin once its timeout has passed (any phase).</summary>
    public void CheckRejoin(long now)
    {
        if (_rejoining && !_rejoinFailed && now - _rejoinSince > _rejoinTimeout)
        {
            _rejoinFailed = true;
            metrics.Count(TroubleKind.RejoinFailed);
        }
    }

    private void StartRejoin(long now) => (_rejoining, _rejoinSince, _rejoinFailed) = (true, now, false);

    private void CloseGap(long now)
    {
        var gap = now - _lastSnapshotAt;
        if (!_gapOpen)
        {
            // Past the threshold since the last pass (or the end of the battle, once the snapshots showed it): no gap.
            if (gap <= _gapThreshold || _overPerSnapshot)
            {
                return;
            }

            metrics.Count(TroubleKind.SnapshotGap);
            metrics.GapOpened();
        }

        metrics.GapClosed(gap * 1_000_000 / Stopwatch.Frequency);
        _gapOpen = false;
    }

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);
}
