using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Interfaces.Matchmaking;

/// <summary>
/// A platoon of up to <see cref="MatchTicket.MaxPlatoonSize"/> players who queue together and always fight on one team
/// (key: the leader's user id). Members join by invitation; the platoon enters the leader's queue shard as one ticket
/// once every member is ready.
/// </summary>
[Alias("Tanks.IPlatoonGrain")]
public interface IPlatoonGrain : IGrainWithIntegerKey
{
    /// <summary>A member is ready with this tank; when every member is, the platoon is queued. Answers the member's status.</summary>
    [Alias("Ready")]
    Task<PlayerStatus> ReadyAsync(TicketMember member);

    /// <summary>A member is no longer ready: the platoon leaves the queue (its members stay a platoon).</summary>
    [Alias("Unready")]
    Task<PlayerStatus> UnreadyAsync(long userId);

    /// <summary>A member leaves (or disconnected): out of the queue and of the platoon; a leader leaving disbands it.</summary>
    [Alias("Leave")]
    Task LeaveAsync(long userId);

    /// <summary>A member's status while the platoon waits for everyone to be ready, or is queued.</summary>
    [Alias("GetStatus")]
    Task<PlayerStatus> GetStatusAsync(long userId);

    /// <summary>
    /// The leader (this grain's key; a player in no platoon who invites becomes one) invites a player by user name. The
    /// invitation expires after a minute; members plus pending invitations never exceed <see cref="MatchTicket.MaxPlatoonSize"/>.
    /// </summary>
    [Alias("Invite")]
    Task<PlatoonReply> InviteAsync(long callerId, string callerName, string inviteeName);

    /// <summary>The invitee joins (only with a pending invitation); they leave any solo queue, a battle in progress keeps them.</summary>
    [Alias("Accept")]
    Task<PlatoonReply> AcceptAsync(long userId, string userName);

    [Alias("Decline")]
    Task<PlatoonReply> DeclineAsync(long userId);

    /// <summary>The leader removes a member (the platoon leaves the queue) or withdraws a pending invitation.</summary>
    [Alias("Kick")]
    Task<PlatoonReply> KickAsync(long callerId, long userId);

    /// <summary>The platoon as its members see it (<see cref="PlatoonNoticeKind.Disbanded"/> with no members: there is none).</summary>
    [Alias("GetView")]
    Task<PlatoonNotice> GetViewAsync();
}
