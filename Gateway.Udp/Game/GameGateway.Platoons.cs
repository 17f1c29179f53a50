using System.Collections.Concurrent;
using System.Text;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Protocol.Game;

namespace Tanks.Gateway.Udp.Game;

/// <summary>
/// Platoons: the client's platoon requests go to the platoon grain (one in flight per client, each answered by a
/// <c>PlatoonUpdate</c> flagged as the reply), and this gateway's player observer, attached to the player grain of every
/// connected player, passes what others did (an invitation, the platoon changing) to the client at once.
/// </summary>
internal sealed partial class GameGateway : IPlayerObserver
{
    /// <summary>The longest wait on one platoon call (the grain's own calls to other grains are bounded at 3 s each).</summary>
    internal static readonly TimeSpan PlatoonCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often every connected player's grain is told again about this gateway (observers are not durable).</summary>
    internal static readonly TimeSpan PlayerAttachPeriod = TimeSpan.FromSeconds(30);

    private const int AttachBatch = 64;

    private readonly ConcurrentDictionary<long, byte> _platoonRequests = new();
    private readonly object _playerObserverLock = new();
    private IPlayerObserver? _playerObserver;
    private DateTime _nextAttachRound;

    /// <summary>A platoon notice for one of this gateway's players (from their player grain).</summary>
    public void PlatoonChanged(long userId, PlatoonNotice notice)
    {
        if (_clients.TryGetValue((ulong)userId, out var client) && !client.Gone)
        {
            Send(client, PlatoonUpdate(notice, PlatoonResult.Ok, reply: false));
        }
    }

    /// <summary>Re-attaches the player observer for every connected player, once per <see cref="PlayerAttachPeriod"/> (called every few seconds).</summary>
    public async Task RenewPlayerObserversAsync()
    {
        if (DateTime.UtcNow < _nextAttachRound)
        {
            return;
        }

        _nextAttachRound = DateTime.UtcNow + PlayerAttachPeriod;
        var batch = new List<Task>(AttachBatch);
        foreach (var (_, client) in _clients)
        {
            if (!client.Gone)
            {
                batch.Add(AttachPlayerAsync(client));
            }

            if (batch.Count == AttachBatch)
            {
                await Task.WhenAll(batch);
                batch.Clear();
            }
        }

        await Task.WhenAll(batch);
    }

    /// <summary>A player connected: their grain is to tell this gateway of platoon changes (off the handshake lock).</summary>
    private void PlayerConnected(GameClient client) => _ = Task.Run(() => AttachPlayerAsync(client));

    /// <summary>A player's connection is gone: stop hearing of them, unless they are connected here again already.</summary>
    private void PlayerGone(GameClient client)
    {
        _platoonRequests.TryRemove(client.UserId, out _);
        if (!_clients.ContainsKey(client.Connection.ClientId))
        {
            _ = DetachPlayerAsync(client.UserId);
        }
    }

    private IPlayerObserver PlayerObserver
    {
        get
        {
            lock (_playerObserverLock)
            {
                return _playerObserver ??= _cluster.CreateObjectReference<IPlayerObserver>(this);
            }
        }
    }

    private async Task AttachPlayerAsync(GameClient client)
    {
        try
        {
            await _cluster.GetGrain<IPlayerGrain>(client.UserId).AttachAsync(PlayerObserver).WaitAsync(RenewTimeout * 3);
        }
        catch (Exception ex)
        {
            Log.SubscribeFailed(_logger, ex, $"player {client.UserId}");
        }
    }

    private async Task DetachPlayerAsync(long userId)
    {
        try
        {
            await _cluster.GetGrain<IPlayerGrain>(userId).DetachAsync(PlayerObserver).WaitAsync(RenewTimeout * 3);
        }
        catch (Exception ex)
        {
            Log.SubscribeFailed(_logger, ex, $"player {userId}");
        }
    }

    private GameMessageResult OnPlatoonInvite(GameClient client, ReadOnlySpan<byte> payload)
    {
        if (PlatoonInviteMessage.TryRead(payload, out var invite) != GameMessageReadResult.Ok || client.UserName.Length == 0)
        {
            return GameMessageResult.Invalid;
        }

        return StartPlatoonRequest(client, async () =>
        {
            var platoon = await PlatoonOfAsync(client.UserId);
            return await _cluster.GetGrain<IPlatoonGrain>(platoon).InviteAsync(client.UserId, client.UserName, invite.UserName);
        });
    }

    private GameMessageResult OnPlatoonAnswer(GameClient client, ReadOnlySpan<byte> payload)
    {
        if (PlatoonAnswerMessage.TryRead(payload, out var answer) != GameMessageReadResult.Ok || client.UserName.Length == 0)
        {
            return GameMessageResult.Invalid;
        }

        var platoon = _cluster.GetGrain<IPlatoonGrain>(answer.LeaderId);
        return StartPlatoonRequest(client, () => answer.Accept ? platoon.AcceptAsync(client.UserId, client.UserName) : platoon.DeclineAsync(client.UserId));
    }

    private GameMessageResult OnPlatoonLeave(GameClient client, ReadOnlySpan<byte> payload)
    {
        if (PlatoonLeaveMessage.TryRead(payload) != GameMessageReadResult.Ok)
        {
            return GameMessageResult.Invalid;
        }

        return StartPlatoonRequest(client, async () =>
        {
            var platoon = _cluster.GetGrain<IPlatoonGrain>(await PlatoonOfAsync(client.UserId));
            await platoon.LeaveAsync(client.UserId);
            return new PlatoonReply(PlatoonResult.Ok, new PlatoonNotice(PlatoonNoticeKind.Disbanded, platoon.GetPrimaryKeyLong(), "", []));
        });
    }

    private GameMessageResult OnPlatoonKick(GameClient client, ReadOnlySpan<byte> payload)
    {
        if (PlatoonKickMessage.TryRead(payload, out var kick) != GameMessageReadResult.Ok)
        {
            return GameMessageResult.Invalid;
        }

        return StartPlatoonRequest(client, async () =>
        {
            var platoon = await PlatoonOfAsync(client.UserId);
            return await _cluster.GetGrain<IPlatoonGrain>(platoon).KickAsync(client.UserId, kick.UserId);
        });
    }

    /// <summary>The platoon a player's requests go to: the one they are in, else their own (they lead it, or start one).</summary>
    private async Task<long> PlatoonOfAsync(long userId)
    {
        var leader = await _cluster.GetGrain<IPlayerGrain>(userId).GetPlatoonAsync();
        return leader != 0 ? leader : userId;
    }

    private GameMessageResult StartPlatoonRequest(GameClient client, Func<Task<PlatoonReply>> call)
    {
        lock (client)
        {
            if (!client.TryTakeQueueRequest(_options.QueueRequestsPerSecond))
            {
                return GameMessageResult.RateLimited;
            }
        }

        if (!_platoonRequests.TryAdd(client.UserId, 0))
        {
            return GameMessageResult.Ignored;
        }

        _ = RunPlatoonRequestAsync(client, call);
        return GameMessageResult.Ok;
    }

    private async Task RunPlatoonRequestAsync(GameClient client, Func<Task<PlatoonReply>> call)
    {
        PlatoonReply reply;
        try
        {
            reply = await call().WaitAsync(PlatoonCallTimeout);
        }
        catch (Exception ex)
        {
            if (Unavailable(ex) is { } reason)
            {
                LogRegistryUnavailable(_logger, "Platoon", client.UserId, reason);
            }
            else
            {
                Log.RegistryCallFailed(_logger, ex, "Platoon", client.UserId);
            }

            // No roster: the client keeps the one it has and may ask again.
            reply = new PlatoonReply(PlatoonResult.Unavailable, new PlatoonNotice(PlatoonNoticeKind.Update, 0, "", []));
        }
        finally
        {
            _platoonRequests.TryRemove(client.UserId, out _);
        }

        if (!client.Gone)
        {
            Send(client, PlatoonUpdate(reply.Platoon, reply.Result, reply: true));
        }
    }

    /// <summary>The wire form of a notice: at most three entries (the grain never has more), names as the accounts spell them.</summary>
    private static ReadOnlySpan<byte> PlatoonUpdate(PlatoonNotice notice, PlatoonResult result, bool reply)
    {
        var entries = new List<PlatoonMemberEntry>(Math.Min(notice.Members.Length, PlatoonLimits.MaxMembers));
        foreach (var member in notice.Members)
        {
            if (entries.Count == PlatoonLimits.MaxMembers)
            {
                break;
            }

            var flags = member.Invited ? PlatoonMemberFlags.Invited : member.Ready ? PlatoonMemberFlags.Ready : PlatoonMemberFlags.None;
            entries.Add(new PlatoonMemberEntry(member.UserId, flags, WireName(member.UserName, member.UserId)));
        }

        var kind = notice.Kind switch
        {
            PlatoonNoticeKind.Invited => PlatoonUpdateKind.Invited,
            PlatoonNoticeKind.Disbanded => PlatoonUpdateKind.Disbanded,
            _ => PlatoonUpdateKind.Update,
        };
        var messageFlags = (notice.Queued ? PlatoonUpdateFlags.Queued : PlatoonUpdateFlags.None) | (reply ? PlatoonUpdateFlags.Reply : PlatoonUpdateFlags.None);
        var leaderId = entries.Count == 0 ? Math.Max(0, notice.LeaderId) : notice.LeaderId;
        var message = new PlatoonUpdateMessage(kind, (PlatoonResultCode)Math.Min((byte)result, (byte)PlatoonResultCode.Unavailable), messageFlags, leaderId, entries);
        var bytes = new byte[PlatoonUpdateMessage.MaxSize];
        return bytes.AsSpan(0, message.WriteTo(bytes));
    }

    /// <summary>1..24 bytes of UTF-8: account names always are; anything else (an empty or odd name) goes by its user id.</summary>
    private static string WireName(string name, long userId)
    {
        var bytes = Encoding.UTF8.GetByteCount(name);
        return bytes is > 0 and <= PlatoonLimits.MaxUserNameBytes ? name : $"user{userId}";
    }
}
