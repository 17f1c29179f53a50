using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Sessions;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// A platoon (key: the leader's user id). The rules (docs/protocol.md, "Platoons"):
/// <list type="bullet">
/// <item>Up to <see cref="MatchTicket.MaxPlatoonSize"/> players, pending invitations included; an invitation lasts
/// <see cref="InvitationLifetime"/> on the grain clock. Only the leader invites and kicks.</item>
/// <item>A platoon exists for its members' player grains (their pointer, <see cref="IPlayerGrain.SetPlatoonAsync"/>) once
/// someone accepted; accepting takes the joiner (and, when it forms, the leader) out of any solo queue. A battle in
/// progress keeps them.</item>
/// <item>Each member readies through their own JoinQueue; when all are ready the platoon queues once, one ticket in the
/// leader's shard. Anyone unready (LeaveQueue) takes the ticket out; the others stay ready. A matched ticket clears
/// every ready flag: after the battle each queues again.</item>
/// <item>A member who leaves, disconnects or is kicked is out of the platoon and the ticket out of the queue; the rest
/// stay a platoon, unready, and may queue again. Left alone, the leader has no platoon. The leader leaving (or
/// disconnecting) disbands it.</item>
/// </list>
/// Calls to player grains go out after the turn, in order, from one delivery loop: a player grain that is calling this
/// grain (ReadyAsync from its JoinQueue, LeaveAsync from its disconnect) would otherwise wait on itself.
/// </summary>
public sealed partial class PlatoonGrain(
    [PersistentState("platoon", StorageNames.Accounts)] IPersistentState<PlatoonState> state,
    IOptions<MatchmakingOptions> options,
    GrainClock time,
    ILogger<PlatoonGrain> logger)
    : Grain, IPlatoonGrain
{
    /// <summary>How long an invitation may be accepted.</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);
    private const int DeliveryAttempts = 3;

    private readonly Queue<Delivery> _outbox = new();
    private bool _delivering;

    private long LeaderId => this.GetPrimaryKeyLong();

    private List<PlatoonSeat> Members => state.State.Members;

    private int ShardNumber => PlayerGrain.ShardOf(LeaderId, options.Value.Shards);

    private IMatchQueueGrain Shard => GrainFactory.GetGrain<IMatchQueueGrain>(ShardNumber);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A delivery lost with an earlier activation's silo is made good: the pointers are idempotent.
        if (Members.Count >= 2)
        {
            foreach (var seat in Members)
            {
                _outbox.Enqueue(new Delivery(seat.UserId, LeaderId, null));
            }

            StartDelivering();
        }

        return Task.CompletedTask;
    }

    public async Task<PlatoonReply> InviteAsync(long callerId, string callerName, string inviteeName)
    {
        if (callerId != LeaderId)
        {
            return Reply(PlatoonResult.NotLeader, callerId);
        }

        var name = UserNames.Normalize(inviteeName);
        var profile = name is null ? null : await GrainFactory.GetGrain<IUserGrain>(name).GetProfileAsync().WaitAsync(CallTimeout);
        if (profile is null)
        {
            return Reply(PlatoonResult.UnknownPlayer, callerId);
        }

        if (profile.UserId == LeaderId)
        {
            return Reply(PlatoonResult.Self, callerId);
        }

        if (Seat(profile.UserId) is not null)
        {
            return Reply(PlatoonResult.AlreadyInPlatoon, callerId);
        }

        var now = time.GetUtcNow();
        Prune(now);
        var invitation = state.State.Invitations.Find(i => i.UserId == profile.UserId);
        if (invitation is null)
        {
            if (Math.Max(1, Members.Count) + state.State.Invitations.Count >= MatchTicket.MaxPlatoonSize)
            {
                return Reply(PlatoonResult.Full, callerId);
            }

            // Not formed yet: the leader may have joined someone else's platoon meanwhile. (Formed: their pointer is this
            // grain, and their player grain may be calling it, so it is not asked.)
            if (Members.Count < 2)
            {
                var own = await PlatoonOf(LeaderId);
                if (own != 0 && own != LeaderId)
                {
                    return Reply(PlatoonResult.NotLeader, callerId);
                }
            }

            if (await PlatoonOf(profile.UserId) != 0)
            {
                return Reply(PlatoonResult.AlreadyInPlatoon, callerId);
            }

            invitation = new PlatoonInvitation { UserId = profile.UserId, UserName = profile.UserName };
            state.State.Invitations.Add(invitation);
        }

        if (Members.Count == 0)
        {
            Members.Add(new PlatoonSeat { UserId = LeaderId, UserName = callerName });
        }

        invitation.ExpiresAt = now + InvitationLifetime; // a second invitation renews the first
        await SaveAsync();
        Send(profile.UserId, null, View(PlatoonNoticeKind.Invited));
        TellMembers();
        LogInvited(logger, LeaderId, profile.UserId);
        return Reply(PlatoonResult.Ok, callerId);
    }

    public async Task<PlatoonReply> AcceptAsync(long userId, string userName)
    {
        if (Seat(userId) is not null)
        {
            return Reply(PlatoonResult.Ok, userId); // a repeated accept (its answer was lost)
        }

        Prune(time.GetUtcNow());
        var invitation = state.State.Invitations.Find(i => i.UserId == userId);
        if (invitation is null || Members.Count == 0)
        {
            return Reply(PlatoonResult.NoInvite, userId);
        }

        if (Members.Count >= MatchTicket.MaxPlatoonSize)
        {
            return Reply(PlatoonResult.Full, userId);
        }

        if (await PlatoonOf(userId) != 0)
        {
            return Reply(PlatoonResult.AlreadyInPlatoon, userId);
        }

        var forming = Members.Count < 2;
        if (forming)
        {
            var own = await PlatoonOf(LeaderId);
            if (own != 0 && own != LeaderId)
            {
                // The leader joined another platoon since inviting: this one is void.
                var invitees = state.State.Invitations.Select(i => i.UserId).ToArray();
                await ClearAsync();
                foreach (var invitee in invitees)
                {
                    Send(invitee, null, Gone());
                }

                return Reply(PlatoonResult.NoInvite, userId);
            }

            await GrainFactory.GetGrain<IPlayerGrain>(LeaderId).LeaveQueueAsync().WaitAsync(CallTimeout);
        }

        // Out of any solo queue; a battle in progress is not touched.
        await GrainFactory.GetGrain<IPlayerGrain>(userId).LeaveQueueAsync().WaitAsync(CallTimeout);
        await WithdrawAsync();
        state.State.Invitations.Remove(invitation);
        Members.Add(new PlatoonSeat { UserId = userId, UserName = invitation.UserName.Length > 0 ? invitation.UserName : userName });
        await SaveAsync();
        foreach (var seat in Members)
        {
            Send(seat.UserId, LeaderId, View(PlatoonNoticeKind.Update));
        }

        if (forming)
        {
            LogFormed(logger, LeaderId);
        }

        LogJoined(logger, LeaderId, userId, Members.Count);
        return Reply(PlatoonResult.Ok, userId);
    }

    public async Task<PlatoonReply> DeclineAsync(long userId)
    {
        Prune(time.GetUtcNow());
        if (state.State.Invitations.RemoveAll(i => i.UserId == userId) == 0)
        {
            return Reply(PlatoonResult.NoInvite, userId);
        }

        await AfterDepartureAsync();
        return Reply(PlatoonResult.Ok, userId);
    }

    public async Task<PlatoonReply> KickAsync(long callerId, long userId)
    {
        if (callerId != LeaderId)
        {
            return Reply(PlatoonResult.NotLeader, callerId);
        }

        if (userId == LeaderId)
        {
            return Reply(PlatoonResult.NotMember, callerId);
        }

        Prune(time.GetUtcNow());
        if (state.State.Invitations.RemoveAll(i => i.UserId == userId) > 0)
        {
            Send(userId, null, Gone()); // the invitation is withdrawn
            await AfterDepartureAsync();
            return Reply(PlatoonResult.Ok, callerId);
        }

        if (Seat(userId) is null)
        {
            return Reply(PlatoonResult.NotMember, callerId);
        }

        await RemoveMemberAsync(userId, "kicked");
        return Reply(PlatoonResult.Ok, callerId);
    }

    public async Task LeaveAsync(long userId)
    {
        if (userId == LeaderId)
        {
            if (Members.Count == 0 && state.State.Invitations.Count == 0)
            {
                return;
            }

            await WithdrawAsync();
            var told = Members.Select(m => m.UserId).Concat(state.State.Invitations.Select(i => i.UserId)).ToArray();
            var formed = Members.Count >= 2;
            await ClearAsync();
            foreach (var id in told)
            {
                Send(id, formed ? 0 : null, Gone());
            }

            LogDisbanded(logger, LeaderId);
            return;
        }

        if (Seat(userId) is null)
        {
            // Not a member (a stale pointer, or only invited): make sure their pointer does not name this platoon.
            if (state.State.Invitations.RemoveAll(i => i.UserId == userId) > 0)
            {
                await AfterDepartureAsync();
            }

            Send(userId, 0, null);
            return;
        }

        await RemoveMemberAsync(userId, "left");
    }

    public async Task<PlayerStatus> ReadyAsync(TicketMember member)
    {
        var seat = Seat(member.UserId);
        if (seat is null || Members.Count < 2)
        {
            Send(member.UserId, 0, null); // a stale pointer: the player is alone, and queues alone next time
            return PlayerStatus.Idle;
        }

        await RefreshQueuedAsync();
        seat.Ready = member;
        if (!state.State.Queued && Members.TrueForAll(m => m.Ready is not null))
        {
            state.State.Queued = true;
            state.State.QueuedAt = time.GetUtcNow();
        }

        if (!state.State.Queued)
        {
            await SaveAsync();
            TellMembers();
            return Waiting();
        }

        // Stored first: should this silo fail after the enqueue, the next activation still knows to withdraw the ticket.
        await SaveAsync();
        var status = await Shard.EnqueueAsync(Ticket()).WaitAsync(CallTimeout); // a changed tank keeps the ticket's place
        if (status.State != PlayerState.Queued)
        {
            // A member is still in a battle of the shard (they left it early): not queued. They are not ready; the others
            // wait for them to queue again after it.
            state.State.Queued = false;
            var statuses = await Shard.GetStatusesAsync([.. Members.Select(m => m.UserId)]).WaitAsync(CallTimeout);
            for (var i = 0; i < Members.Count && i < statuses.Length; i++)
            {
                if (statuses[i].State == PlayerState.InBattle)
                {
                    Members[i].Ready = null;
                }
            }

            await SaveAsync();
            TellMembers();
            return seat.Ready is null ? status : Waiting();
        }

        LogQueued(logger, LeaderId, Members.Count, ShardNumber);
        TellMembers();
        return status;
    }

    public async Task<PlayerStatus> UnreadyAsync(long userId)
    {
        var seat = Seat(userId);
        if (seat is null)
        {
            return PlayerStatus.Idle;
        }

        await RefreshQueuedAsync();
        if (seat.Ready is null && !state.State.Queued)
        {
            return PlayerStatus.Idle;
        }

        seat.Ready = null;
        await WithdrawAsync();
        await SaveAsync();
        TellMembers();
        return PlayerStatus.Idle;
    }

    public async Task<PlayerStatus> GetStatusAsync(long userId)
    {
        var seat = Seat(userId);
        if (seat is null)
        {
            return PlayerStatus.Idle;
        }

        if (state.State.Queued)
        {
            // The shard knows: still queued, or matched (in battle: every ready flag is cleared), or gone.
            var index = Members.IndexOf(seat);
            var statuses = await Shard.GetStatusesAsync([.. Members.Select(m => m.UserId)]).WaitAsync(CallTimeout);
            await SettleIfMatchedAsync(statuses);
            return index < statuses.Length ? statuses[index] : PlayerStatus.Idle;
        }

        return seat.Ready is null ? PlayerStatus.Idle : Waiting();
    }

    public Task<PlatoonNotice> GetViewAsync()
    {
        Prune(time.GetUtcNow());
        return Task.FromResult(Members.Count == 0 ? Gone() : View(PlatoonNoticeKind.Update));
    }

    /// <summary>A member leaves (kicked, left, disconnected): the ticket leaves the queue, nobody stays ready.</summary>
    private async Task RemoveMemberAsync(long userId, string how)
    {
        await WithdrawAsync();
        Members.RemoveAll(m => m.UserId == userId);
        foreach (var seat in Members)
        {
            seat.Ready = null;
        }

        Send(userId, 0, Gone());
        LogLeft(logger, LeaderId, userId, how);
        await AfterDepartureAsync();
    }

    /// <summary>
    /// After someone left or an invitation went: the leader alone with no invitation left has no platoon; alone with some
    /// they wait for an answer (no pointer); otherwise everyone hears the platoon as it now is.
    /// </summary>
    private async Task AfterDepartureAsync()
    {
        if (Members.Count <= 1)
        {
            if (Members.Count == 1)
            {
                Send(LeaderId, 0, null);
            }

            if (state.State.Invitations.Count == 0)
            {
                await ClearAsync();
                Send(LeaderId, null, Gone());
                return;
            }
        }

        await SaveAsync();
        TellMembers();
    }

    /// <summary>A queued ticket that every member has left (matched into a battle, or gone from the shard): nobody is ready any more.</summary>
    private async Task RefreshQueuedAsync()
    {
        if (state.State.Queued)
        {
            await SettleIfMatchedAsync(await Shard.GetStatusesAsync([.. Members.Select(m => m.UserId)]).WaitAsync(CallTimeout));
        }
    }

    private async Task<bool> SettleIfMatchedAsync(ImmutableArray<PlayerStatus> statuses)
    {
        if (statuses.Any(s => s.State == PlayerState.Queued))
        {
            return false;
        }

        state.State.Queued = false;
        foreach (var seat in Members)
        {
            seat.Ready = null;
        }

        await SaveAsync();
        TellMembers();
        return true;
    }

    private async Task WithdrawAsync()
    {
        if (state.State.Queued)
        {
            await Shard.WithdrawAsync(LeaderId).WaitAsync(CallTimeout);
            state.State.Queued = false;
        }
    }

    private async Task ClearAsync()
    {
        state.State = new PlatoonState();
        await state.ClearStateAsync();
    }

    private Task SaveAsync() => state.WriteStateAsync();

    private void Prune(DateTimeOffset now) => state.State.Invitations.RemoveAll(i => i.ExpiresAt <= now);

    private PlatoonSeat? Seat(long userId) => Members.Find(m => m.UserId == userId);

    private async Task<long> PlatoonOf(long userId)
        => await GrainFactory.GetGrain<IPlayerGrain>(userId).GetPlatoonAsync().WaitAsync(CallTimeout);

    private MatchTicket Ticket()
        => new(LeaderId, [.. Members.Select(m => m.Ready!)], state.State.QueuedAt);

    private static PlayerStatus Waiting() => new(PlayerState.Queued, QueuePosition: 0);

    private PlatoonReply Reply(PlatoonResult result, long requester)
        => new(result, Members.Count > 0 && (Seat(requester) is not null || requester == LeaderId) ? View(PlatoonNoticeKind.Update) : Gone());

    private PlatoonNotice Gone() => new(PlatoonNoticeKind.Disbanded, LeaderId, Members.Count > 0 ? Members[0].UserName : "", []);

    private PlatoonNotice View(PlatoonNoticeKind kind)
    {
        var members = ImmutableArray.CreateBuilder<PlatoonMember>(Members.Count + state.State.Invitations.Count);
        foreach (var seat in Members)
        {
            members.Add(new PlatoonMember(seat.UserId, seat.UserName, seat.Ready is not null));
        }

        foreach (var invitation in state.State.Invitations)
        {
            members.Add(new PlatoonMember(invitation.UserId, invitation.UserName, false, Invited: true));
        }

        return new PlatoonNotice(kind, LeaderId, Members.Count > 0 ? Members[0].UserName : "", members.MoveToImmutable(), state.State.Queued);
    }

    /// <summary>Every member hears the platoon as it is; pointers are renewed with it while the platoon is formed.</summary>
    private void TellMembers()
    {
        var view = View(PlatoonNoticeKind.Update);
        var formed = Members.Count >= 2;
        foreach (var seat in Members)
        {
            Send(seat.UserId, formed ? LeaderId : null, view);
        }
    }

    /// <summary>Queues a pointer change (null: none) and/or a notice for a player's grain, after this turn.</summary>
    private void Send(long userId, long? pointer, PlatoonNotice? notice)
    {
        _outbox.Enqueue(new Delivery(userId, pointer, notice));
        StartDelivering();
    }

    private void StartDelivering()
    {
        if (!_delivering)
        {
            _delivering = true;
            _ = DeliverAsync();
        }
    }

    /// <summary>One loop, in order: pointers are retried (a member must not be left pointing at the wrong platoon), notices sent once.</summary>
    private async Task DeliverAsync()
    {
        await Task.Yield(); // after the current turn's answer is on its way
        try
        {
            while (_outbox.TryDequeue(out var delivery))
            {
                var player = GrainFactory.GetGrain<IPlayerGrain>(delivery.UserId);
                if (delivery.Pointer is { } pointer)
                {
                    for (var attempt = 1; attempt <= DeliveryAttempts; attempt++)
                    {
                        try
                        {
                            await player.SetPlatoonAsync(pointer).WaitAsync(CallTimeout);
                            break;
                        }
                        catch (Exception ex)
                        {
                            LogDeliveryFailed(logger, LeaderId, delivery.UserId, "SetPlatoon", attempt, ex.GetType().Name);
                        }
                    }
                }

                if (delivery.Notice is { } notice)
                {
                    try
                    {
                        await player.NotifyAsync(notice).WaitAsync(CallTimeout);
                    }
                    catch (Exception ex)
                    {
                        LogDeliveryFailed(logger, LeaderId, delivery.UserId, "Notify", 1, ex.GetType().Name);
                    }
                }
            }
        }
        finally
        {
            _delivering = false;
        }
    }

    private readonly record struct Delivery(long UserId, long? Pointer, PlatoonNotice? Notice);

    [LoggerMessage(EventId = 400, Level = LogLevel.Debug, Message = "Platoon {LeaderId}: invited user {UserId}")]
    private static partial void LogInvited(ILogger logger, long leaderId, long userId);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Platoon {LeaderId} formed")]
    private static partial void LogFormed(ILogger logger, long leaderId);

    [LoggerMessage(EventId = 402, Level = LogLevel.Debug, Message = "Platoon {LeaderId}: user {UserId} joined ({Members} members)")]
    private static partial void LogJoined(ILogger logger, long leaderId, long userId, int members);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Platoon {LeaderId}: user {UserId} {How}")]
    private static partial void LogLeft(ILogger logger, long leaderId, long userId, string how);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Platoon {LeaderId} disbanded by its leader")]
    private static partial void LogDisbanded(ILogger logger, long leaderId);

    [LoggerMessage(EventId = 405, Level = LogLevel.Debug, Message = "Platoon {LeaderId}: {Members} members ready, queued in shard {Shard}")]
    private static partial void LogQueued(ILogger logger, long leaderId, int members, int shard);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Platoon {LeaderId}: {Call} to user {UserId} failed (attempt {Attempt}: {Error})")]
    private static partial void LogDeliveryFailed(ILogger logger, long leaderId, long userId, string call, int attempt, string error);
}
