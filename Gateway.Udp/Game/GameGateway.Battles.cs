using System.Collections.Concurrent;
using System.Collections.Immutable;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Gateway.Udp.Game;

/// <summary>Battles: the match observer, one room per battle with players here, the queue poll, subscriptions.</summary>
internal sealed partial class GameGateway
{
    private readonly object _roomsLock = new();
    private readonly Dictionary<Guid, Task<BattleRoom?>> _rooms = [];
    /// <summary>The longest wait on one battle call (a dead silo must not hold a room up for Orleans' 30 s default).</summary>
    internal static readonly TimeSpan BattleCallTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The wait on one subscription renewal (renewals repeat every half second while frames are missing).</summary>
    internal static readonly TimeSpan RenewTimeout = TimeSpan.FromSeconds(1);

    /// <summary>As the registry's <c>Matchmaking:BattleLostAfter</c>: a battle silent this long is over for its players.</summary>
    internal static readonly TimeSpan BattleLostAfter = TimeSpan.FromSeconds(60);

    /// <summary>Definitions by hash: rooms of battles with the same map and rules share one copy.</summary>
    private readonly ConcurrentDictionary<ulong, BattleDefinitionData> _definitions = new();

    /// <summary>Attempts at fetching a new room's definition (each bounded by <see cref="BattleCallTimeout"/>).</summary>
    internal const int DefinitionAttempts = 3;

    private IMatchObserver? _matchObserver;
    private int _battleCount;

    /// <summary>The registry formed a battle: take this gateway's connected players of it into it.</summary>
    public void BattleStarted(BattleAssignment assignment)
    {
        foreach (var player in assignment.Players)
        {
            if (_clients.TryGetValue((ulong)player.UserId, out var client))
            {
                _ = EnterBattleAsync(client, assignment.BattleId, resend: false);
            }
        }
    }

    /// <summary>Subscribes (or renews) this gateway's match observer at the registry.</summary>
    public async Task RenewMatchObserverAsync()
    {
        _matchObserver ??= _cluster.CreateObjectReference<IMatchObserver>(this);
        try
        {
            await Registry.SubscribeAsync(_matchObserver);
        }
        catch (Exception ex)
        {
            Log.SubscribeFailed(_logger, ex, "registry");
        }
    }

    /// <summary>One batched status poll for every queued client of this gateway: a <c>QueueStatus</c> each, a battle if one formed.</summary>
    public async Task PollQueuedAsync()
    {
        var queued = new List<GameClient>();
        foreach (var (_, client) in _clients)
        {
            lock (client)
            {
                if (client.Phase == ClientPhase.Queued && !client.RequestInFlight && !client.Gone)
                {
                    queued.Add(client);
                }
            }
        }

        if (queued.Count == 0)
        {
            return;
        }

        // One call per shard for the players it answered for last; the others (just queued, a platoon waiting for its
        // members) through their own player grain.
        var polls = queued.GroupBy(c => c.Shard).Select(PollAsync).ToArray();
        foreach (var answers in await Task.WhenAll(polls))
        {
            foreach (var (client, status) in answers)
            {
                await ApplyStatusAsync(client, status, answer: false, enterBattle: true);
            }
        }
    }

    private async Task<IReadOnlyList<(GameClient Client, PlayerStatus Status)>> PollAsync(IGrouping<int, GameClient> clients)
    {
        try
        {
            if (clients.Key >= 0)
            {
                var statuses = await _cluster.GetGrain<IMatchQueueGrain>(clients.Key)
                    .GetStatusesAsync([.. clients.Select(c => c.UserId)]).WaitAsync(RequestTimeout);
                return [.. clients.Zip(statuses)];
            }

            var each = await Task.WhenAll(clients.Select(c => Player(c.UserId).GetStatusAsync().WaitAsync(RequestTimeout)));
            return [.. clients.Zip(each)];
        }
        catch (Exception ex)
        {
            Log.RegistryCallFailed(_logger, ex, "GetStatuses", 0);
            return [];
        }
    }

    /// <summary>Stops everything at shutdown: the registry forgets this gateway, each battle its observer.</summary>
    public async Task StopAsync()
    {
        if (_matchObserver is not null)
        {
            try
            {
                await Registry.UnsubscribeAsync(_matchObserver);
            }
            catch (Exception ex)
            {
                Log.SubscribeFailed(_logger, ex, "registry");
            }
        }

        List<BattleRoom> rooms;
        lock (_roomsLock)
        {
            rooms = [.. _rooms.Values.Where(t => t.IsCompletedSuccessfully && t.Result is not null).Select(t => t.Result!)];
        }

        foreach (var room in rooms)
        {
            if (room.TryClose())
            {
                await CloseAsync(room);
            }
        }
    }

    /// <summary>
    /// Takes a client into a battle: the room (created on first use), <c>BattleStart</c>, then snapshots (full first).
    /// <paramref name="resend"/>: send <c>BattleStart</c> even if the client is in that room already (it asked).
    /// </summary>
    public async Task EnterBattleAsync(GameClient client, Guid battleId, bool resend)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var room = await GetRoomAsync(battleId);
            if (room is null)
            {
                var idle = false;
                lock (client)
                {
                    if (client.Phase != ClientPhase.InBattle && !client.Gone)
                    {
                        client.Phase = ClientPhase.Idle;
                        idle = true;
                    }
                }

                if (idle)
                {
                    // The battle is over (the registry has not heard yet) or unknown: the client is told it is idle, so
                    // it queues again rather than wait for a BattleStart that never comes.
                    Send(client, Status(PlayerStatus.Idle));
                }

                return;
            }

            if (!room.TryGetPlayer(client.UserId, out var player))
            {
                return;
            }

            BattleRoom? left = null;
            lock (client)
            {
                if (client.Gone)
                {
                    break;
                }

                if (client.Room == room)
                {
                    // A request that crossed the BattleStart just sent (a JoinQueue resent while its answer was on the way)
                    // does not restart the client's stream; a client that really lost it asks again after a second.
                    if (!resend || Environment.TickCount64 - client.EnteredAtMs < 1000)
                    {
                        return;
                    }
                }
                else
                {
                    left = client.Room;
                    client.EnterBattle(room, (ushort)player.Slot);
                }
            }

            if (left is not null && left.Remove(client) == 0)
            {
                CloseIfEmpty(left);
            }

            // Member and BattleStart in one step under the room's frame lock: no snapshot reaches the client before its
            // start (the client's reset would wipe it), and a resent start restarts the stream with a full snapshot.
            if (!room.TryAdmit(client, player))
            {
                lock (client)
                {
                    if (client.Room == room)
                    {
                        client.LeaveBattle();
                    }
                }

                continue; // the room closed meanwhile: a fresh one
            }

            Log.EnteredBattle(_logger, client.UserId, battleId, player.Slot);
            return;
        }

        await CloseIfEmptyAsync(battleId);
    }

    /// <summary>The room of a battle, created (info, observer reference, subscription, timers) on first use; null when the battle is over.</summary>
    private Task<BattleRoom?> GetRoomAsync(Guid battleId)
    {
        lock (_roomsLock)
        {
            if (_rooms.TryGetValue(battleId, out var existing)
                && !(existing.IsCompleted && (!existing.IsCompletedSuccessfully || existing.Result is null || existing.Result.IsClosed)))
            {
                return existing;
            }

            var created = CreateRoomAsync(battleId);
            _rooms[battleId] = created;
            return created;
        }
    }

    private async Task<BattleRoom?> CreateRoomAsync(Guid battleId)
    {
        await Task.Yield(); // out of the rooms lock
        var grain = _cluster.GetGrain<ISessionGrain>(battleId);
        try
        {
            var info = await grain.GetInfoAsync().WaitAsync(BattleCallTimeout);
            if (info is null || info.Over)
            {
                Forget(battleId, null);
                return null;
            }

            var definition = await GetDefinitionAsync(grain, battleId);
            if (definition is null)
            {
                Forget(battleId, null);
                return null; // over (or unknown) meanwhile: no BattleStart without its definition
            }

            var room = new BattleRoom(this, info, grain, definition);
            room.ObserverReference = _cluster.CreateObjectReference<ISessionObserver>(room);
            var status = await grain.SubscribeAsync(room.ObserverReference).WaitAsync(BattleCallTimeout);
            if (status.Phase != BattlePhase.Running)
            {
                _cluster.DeleteObjectReference<ISessionObserver>(room.ObserverReference);
                Forget(battleId, null);
                return null;
            }

            room.Start();
            Metrics.SetBattles(Interlocked.Increment(ref _battleCount));
            Log.RoomOpened(_logger, battleId, info.Assignment.MapId, info.TickRate);
            return room;
        }
        catch (Exception ex)
        {
            Log.SubscribeFailed(_logger, ex, battleId.ToString());
            Forget(battleId, null);
            return null;
        }
    }

    /// <summary>
    /// The battle's definition, asked up to <see cref="DefinitionAttempts"/> times (a resuming battle may not answer the
    /// first call in time); null when the battle has none (ended, unknown). Throws the last failure.
    /// </summary>
    private async Task<BattleDefinitionData?> GetDefinitionAsync(ISessionGrain grain, Guid battleId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var definition = await grain.GetDefinitionAsync().WaitAsync(BattleCallTimeout);
                if (definition is null)
                {
                    return null;
                }

                if (_definitions.Count > 64)
                {
                    _definitions.Clear(); // a handful of maps: this only bounds a gateway fed ever-new definitions
                }

                return _definitions.GetOrAdd(definition.Hash, definition);
            }
            catch (Exception ex) when (attempt < DefinitionAttempts && ex is TimeoutException or OrleansException)
            {
                Log.DefinitionRetry(_logger, battleId, attempt, ex.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Renews a room's subscription (its watchdog calls this every ~10 s, and every half second while frames have
    /// stopped). The call itself resumes a battle whose silo was lost; the answer says whether it runs, ended (its
    /// summary goes to the players, in case the end was lost with the silo) or is unknown (gone: the players get
    /// <c>BattleEnd</c> aborted). A battle that stays unreachable for <see cref="BattleLostAfter"/> is given up the same way.
    /// </summary>
    public async Task SubscribeAsync(BattleRoom room)
    {
        if (room.ObserverReference is not { } observer || room.IsClosed)
        {
            return;
        }

        try
        {
            // A short wait: while a lost battle's silo is being declared dead the call may hang; the watchdog asks
            // again half a second later, so the battle is back within about a second of the cluster being ready.
            var status = await room.Grain.SubscribeAsync(observer).WaitAsync(RenewTimeout);
            switch (status.Phase)
            {
                case BattlePhase.Running:
                    room.Subscribed();
                    break;
                case BattlePhase.Ended when status.Summary is { } summary:
                    room.OnBattleEnded(summary);
                    break;
                default:
                    Log.BattleLost(_logger, room.BattleId, "unknown to the cluster");
                    room.EndLost();
                    break;
            }
        }
        catch (Exception ex)
        {
            // While a battle's silo is being declared dead this fails twice a second: one line, not a stack trace each time.
            Log.RenewFailed(_logger, room.BattleId, ex.GetType().Name, room.Silence.TotalSeconds);
            if (room.Silence > BattleLostAfter)
            {
                Log.BattleLost(_logger, room.BattleId, $"no answer for {room.Silence.TotalSeconds:0} s");
                room.EndLost();
            }
        }
    }

    /// <summary>A battle resumed from its checkpoint: its players here were sent <c>BattleStart</c> again.</summary>
    public void BattleResumed(BattleRoom room, int players) => Log.BattleResumed(_logger, room.BattleId, players);

    /// <summary>The battle ended (its <c>BattleEnd</c> went out): its players are free, the room goes.</summary>
    public void BattleEnded(BattleRoom room, GameClient[] members)
    {
        foreach (var client in members)
        {
            lock (client)
            {
                if (client.Room == room)
                {
                    client.LeaveBattle();
                }
            }
        }

        if (room.TryClose())
        {
            Log.RoomClosed(_logger, room.BattleId, "ended");
            _ = CloseAsync(room);
        }
    }

    public void CloseIfEmpty(BattleRoom room)
    {
        if (room.CloseIfEmpty())
        {
            Log.RoomClosed(_logger, room.BattleId, "no players here");
            _ = CloseAsync(room);
        }
    }

    public void BadFrame(Guid battleId, int tick) => Log.BadFrame(_logger, battleId, tick);

    public void SubmitFailed(Guid battleId, Exception exception) => Log.SubmitFailed(_logger, exception, battleId);

    private async Task CloseIfEmptyAsync(Guid battleId)
    {
        var room = await GetRoomAsync(battleId);
        if (room is not null)
        {
            CloseIfEmpty(room);
        }
    }

    /// <summary>Tears a closed room down (the caller won <see cref="BattleRoom.TryClose"/> or <see cref="BattleRoom.CloseIfEmpty"/>).</summary>
    private async Task CloseAsync(BattleRoom room)
    {
        room.Dispose();
        Forget(room.BattleId, room);
        Metrics.SetBattles(Interlocked.Decrement(ref _battleCount));
        await room.FlushPendingAsync();
        if (room.ObserverReference is { } observer)
        {
            try
            {
                await room.Grain.UnsubscribeAsync(observer);
            }
            catch (Exception ex)
            {
                Log.SubscribeFailed(_logger, ex, room.BattleId.ToString());
            }

            // Frames the battle sent before it saw the unsubscribe may still be on their way: one reaching a deleted
            // reference is logged by Orleans as a failure (ClientGrainContext 100924 "Unexpected target grain"), one
            // reaching the closed room is ignored. So the reference is deleted after a grace period, in the background.
            _ = DeleteAfterGraceAsync(observer);
        }

        async Task DeleteAfterGraceAsync(ISessionObserver observer)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            try
            {
                _cluster.DeleteObjectReference<ISessionObserver>(observer);
            }
            catch (ObjectDisposedException)
            {
                // The gateway stopped meanwhile: its client's references went with it.
            }
        }
    }

    /// <summary>Removes the battle's entry if it is still <paramref name="room"/> (null: a failed or empty creation).</summary>
    private void Forget(Guid battleId, BattleRoom? room)
    {
        lock (_roomsLock)
        {
            if (_rooms.TryGetValue(battleId, out var task)
                && (room is null ? !task.IsCompletedSuccessfully || task.Result is null : task.IsCompletedSuccessfully && task.Result == room))
            {
                _rooms.Remove(battleId);
            }
        }
    }
}
