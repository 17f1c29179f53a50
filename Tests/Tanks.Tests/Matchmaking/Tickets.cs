using System.Collections.Immutable;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Matchmaking;

namespace Tanks.Tests.Matchmaking;

/// <summary>Builders for matchmaking tests: tickets, and the shapes of what the matcher formed.</summary>
internal static class Tickets
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static MatchTicket Solo(long id, double rating = 1500, string tankClass = "medium", DateTimeOffset? queuedAt = null)
        => new(id, [new TicketMember(id, $"p{id}", tankClass, rating, 100)], queuedAt ?? Start);

    /// <summary>A platoon led by <paramref name="id"/>; its members are id, id + 1, …</summary>
    public static MatchTicket Platoon(long id, DateTimeOffset queuedAt, params (double Rating, string TankClass)[] members)
        => new(id, [.. members.Select((m, i) => new TicketMember(id + i, $"p{id + i}", m.TankClass, m.Rating, 100))], queuedAt);

    public static string Shapes(IEnumerable<FormedBattle> battles)
        => string.Join(",", battles.Select(b => $"{b.TeamA.Count}v{b.TeamB.Count}"));

    public static ImmutableArray<long> Ids(IEnumerable<TicketMember> team) => [.. team.Select(m => m.UserId)];
}
