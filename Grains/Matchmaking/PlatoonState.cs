using Tanks.Grains.Interfaces.Matchmaking;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// A platoon's persisted state: the members (the leader first, from their first invitation on), the pending invitations,
/// whether its ticket is in the queue. Empty: no platoon.
/// </summary>
[GenerateSerializer, Alias("Tanks.PlatoonState")]
public sealed class PlatoonState
{
    [Id(0)] public List<PlatoonSeat> Members { get; set; } = [];
    [Id(1)] public List<PlatoonInvitation> Invitations { get; set; } = [];

    /// <summary>The platoon's ticket went to its shard (every member was ready); cleared when it leaves or was matched.</summary>
    [Id(2)] public bool Queued { get; set; }

    [Id(3)] public DateTimeOffset QueuedAt { get; set; }
}

/// <summary>One member; <see cref="Ready"/>: what they queue with (name, tank, rating), null while not ready.</summary>
[GenerateSerializer, Alias("Tanks.PlatoonSeat")]
public sealed class PlatoonSeat
{
    [Id(0)] public long UserId { get; set; }
    [Id(1)] public string UserName { get; set; } = "";
    [Id(2)] public TicketMember? Ready { get; set; }
}

[GenerateSerializer, Alias("Tanks.PlatoonInvitation")]
public sealed class PlatoonInvitation
{
    [Id(0)] public long UserId { get; set; }
    [Id(1)] public string UserName { get; set; } = "";
    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
}
