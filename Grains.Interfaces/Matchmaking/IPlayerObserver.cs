using System.Collections.Immutable;

namespace Tanks.Grains.Interfaces.Matchmaking;

/// <summary>
/// Implemented by each gateway instance, attached to the player grains of its connected players: what happens to a
/// player outside their own requests (a platoon invitation, the platoon changing) reaches their gateway at once.
/// </summary>
[Alias("Tanks.IPlayerObserver")]
public interface IPlayerObserver : IGrainObserver
{
    [Alias("PlatoonChanged")]
    void PlatoonChanged(long userId, PlatoonNotice notice);
}

[GenerateSerializer, Alias("Tanks.PlatoonNoticeKind")]
public enum PlatoonNoticeKind
{
    /// <summary>The platoon as it now is (members, who is ready); sent to every member on each change.</summary>
    Update = 0,

    /// <summary>Someone invites the player into their platoon (<see cref="PlatoonNotice.FromName"/>, leader <see cref="PlatoonNotice.LeaderId"/>).</summary>
    Invited = 1,

    /// <summary>The player is no longer in the platoon (left, removed, or the platoon was disbanded).</summary>
    Disbanded = 2,
}

/// <summary>One member as the others see them; <see cref="Invited"/>: not a member yet, an invitation is pending.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.PlatoonMember")]
public sealed record PlatoonMember(
    [property: Id(0)] long UserId,
    [property: Id(1)] string UserName,
    [property: Id(2)] bool Ready,
    [property: Id(3)] bool Invited = false);

/// <summary>
/// What a player hears of a platoon: the leader first in <see cref="Members"/>, then the other members, then pending
/// invitees; <see cref="Queued"/>: the platoon's ticket is in the queue.
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.PlatoonNotice")]
public sealed record PlatoonNotice(
    [property: Id(0)] PlatoonNoticeKind Kind,
    [property: Id(1)] long LeaderId,
    [property: Id(2)] string FromName,
    [property: Id(3)] ImmutableArray<PlatoonMember> Members,
    [property: Id(4)] bool Queued = false);
