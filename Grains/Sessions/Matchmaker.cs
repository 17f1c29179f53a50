namespace Tanks.Grains.Sessions;

/// <summary>
/// Forms even battles from a first-come queue: full teams at once; once the oldest player has waited
/// <see cref="MatchmakingOptions.ReducedTeamsAfter"/>, teams down to <see cref="MatchmakingOptions.ReducedTeamSize"/>;
/// after <see cref="MatchmakingOptions.AnyTeamsAfter"/>, down to 1v1. Pure: the caller owns the queue and the clock.
/// </summary>
public static class Matchmaker
{
    /// <summary>
    /// Takes battles off the front of <paramref name="queue"/> (oldest first) and returns them; players left over stay
    /// queued. Within a battle, players alternate between the teams in queue order, so each side gets early and late joiners.
    /// <paramref name="maxTeamSize"/>: what the map holds (<see cref="MapCapacity"/>); teams never grow past it.
    /// </summary>
    public static List<FormedBattle> Form(List<QueuedPlayer> queue, DateTimeOffset now, MatchmakingOptions options, int maxTeamSize = int.MaxValue)
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
            if (teamSize < smallestTeam)
            {
                break;
            }

            var players = queue.GetRange(0, teamSize * 2);
            queue.RemoveRange(0, teamSize * 2);
            var teamA = new List<QueuedPlayer>(teamSize);
            var teamB = new List<QueuedPlayer>(teamSize);
            for (var i = 0; i < players.Count; i++)
            {
                (i % 2 == 0 ? teamA : teamB).Add(players[i]);
            }

            battles.Add(new FormedBattle(teamA, teamB));
        }

        return battles;
    }
}

/// <summary>A player waiting for a battle.</summary>
[GenerateSerializer, Alias("Tanks.QueuedPlayer")]
public sealed record QueuedPlayer(
    [property: Id(0)] long UserId,
    [property: Id(1)] string TankClass,
    [property: Id(2)] DateTimeOffset QueuedAt,
    [property: Id(3)] string UserName = "");

/// <summary>Two teams of equal size, ready to fight.</summary>
public sealed record FormedBattle(IReadOnlyList<QueuedPlayer> TeamA, IReadOnlyList<QueuedPlayer> TeamB);
