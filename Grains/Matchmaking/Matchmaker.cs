using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Sessions;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// Forms battles from one shard's queue of tickets (solo players and platoons). Pure: the caller owns the queue and the clock.
/// PLACEHOLDER (first-come, ratings ignored): replaced by the rating-, class- and platoon-aware matcher.
/// </summary>
public static class Matchmaker
{
    /// <summary>
    /// Takes battles out of <paramref name="queue"/> (arrival order, oldest first) and returns them; tickets left over stay
    /// queued. A ticket's members always land on one team. <paramref name="maxTeamSize"/>: what the map holds.
    /// </summary>
    public static List<FormedBattle> Form(List<MatchTicket> queue, DateTimeOffset now, MatchmakingOptions options, int maxTeamSize = int.MaxValue)
    {
        var fullTeam = Math.Max(1, Math.Min(options.TeamSize, maxTeamSize));
        var battles = new List<FormedBattle>();
        while (queue.Count >= 2)
        {
            var waited = now - queue[0].QueuedAt;
            var smallestTeam = waited >= options.AnyTeamsAfter ? 1
                : waited >= options.ReducedTeamsAfter ? Math.Min(options.ReducedTeamSize, fullTeam)
                : fullTeam;
            var teamSize = Math.Min(fullTeam, queue.Count / 2);
            if (teamSize < smallestTeam || queue.Take(teamSize * 2).Any(t => t.Members.Length != 1))
            {
                break;
            }

            var tickets = queue.GetRange(0, teamSize * 2);
            queue.RemoveRange(0, teamSize * 2);
            var teamA = new List<TicketMember>(teamSize);
            var teamB = new List<TicketMember>(teamSize);
            for (var i = 0; i < tickets.Count; i++)
            {
                (i % 2 == 0 ? teamA : teamB).Add(tickets[i].Members[0]);
            }

            battles.Add(new FormedBattle(teamA, teamB, tickets));
        }

        return battles;
    }
}

/// <summary>Two teams of equal size, ready to fight, and the tickets they were formed from.</summary>
public sealed record FormedBattle(IReadOnlyList<TicketMember> TeamA, IReadOnlyList<TicketMember> TeamB, IReadOnlyList<MatchTicket> Tickets)
{
    /// <summary>Highest minus lowest rating among the battle's players.</summary>
    public double RatingRange => TeamA.Concat(TeamB).Max(m => m.Rating) - TeamA.Concat(TeamB).Min(m => m.Rating);

    /// <summary>The teams' mean ratings apart.</summary>
    public double TeamGap => Math.Abs(TeamA.Average(m => m.Rating) - TeamB.Average(m => m.Rating));
}
