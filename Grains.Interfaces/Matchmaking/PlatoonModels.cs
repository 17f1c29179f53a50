namespace Tanks.Grains.Interfaces.Matchmaking;

/// <summary>The verdict of a platoon request (invite, answer, leave, kick), as the gateway sends it back (one byte on the wire).</summary>
[GenerateSerializer, Alias("Tanks.PlatoonResult")]
public enum PlatoonResult : byte
{
    Ok = 0,

    /// <summary>No account has that name (or it is not a valid user name).</summary>
    UnknownPlayer = 1,

    /// <summary>The leader invited themselves.</summary>
    Self = 2,

    /// <summary>The invitee (or the one accepting) is in a platoon already.</summary>
    AlreadyInPlatoon = 3,

    /// <summary>Members plus pending invitations reached <see cref="MatchTicket.MaxPlatoonSize"/>.</summary>
    Full = 4,

    /// <summary>No pending invitation from that leader (never sent, expired, withdrawn, or the platoon is gone).</summary>
    NoInvite = 5,

    /// <summary>Only the leader invites and kicks; a member of someone else's platoon cannot lead one.</summary>
    NotLeader = 6,

    /// <summary>The player to kick is neither a member nor invited.</summary>
    NotMember = 7,

    /// <summary>The cluster did not answer in time: nothing is known to have changed; the client may ask again.</summary>
    Unavailable = 8,
}

/// <summary>The answer to a platoon request: the verdict and the platoon as the requester now sees it.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.PlatoonReply")]
public sealed record PlatoonReply(
    [property: Id(0)] PlatoonResult Result,
    [property: Id(1)] PlatoonNotice Platoon);
