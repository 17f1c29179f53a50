using System.ComponentModel.DataAnnotations;

namespace Tanks.Grains.Sessions;

/// <summary>How the registry turns its queue into battles. Set both waits to zero for a local demo that starts a 1v1 at once.</summary>
public sealed class MatchmakingOptions
{
    public const string SectionName = "Matchmaking";

    /// <summary>Players per team in a full battle (7v7).</summary>
    [Range(1, 32)]
    public int TeamSize { get; set; } = 7;

    /// <summary>After the oldest player waited this long, smaller even teams are accepted (down to <see cref="ReducedTeamSize"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReducedTeamsAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The smallest team accepted between <see cref="ReducedTeamsAfter"/> and <see cref="AnyTeamsAfter"/>.</summary>
    [Range(1, 32)]
    public int ReducedTeamSize { get; set; } = 3;

    /// <summary>After the oldest player waited this long, any even battle is accepted, down to 1v1.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan AnyTeamsAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Queue shards: each matches its own tickets on its own timer, on whichever silo it lives. A player queues in the shard
    /// of their user id (a platoon in its leader's). More shards match more joins in parallel; fewer give each a larger pool
    /// to find close ratings in, so one (the default) until the joins call for more: docs/operations.md has the sizing table.
    /// </summary>
    [Range(1, 4096)]
    public int Shards { get; set; } = 1;

    /// <summary>The built-in map battles are fought on (Game/Maps: crossroads, duel).</summary>
    [Required]
    public string Map { get; set; } = "crossroads";

    /// <summary>How often the registry looks at its queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the registry asks each battle it owns for its status. The ask itself resumes a battle whose silo was
    /// lost, so this bounds how long a battle nobody else calls stays away (plus the membership's detection time).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan BattleCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A running battle that has not answered for this long is given up: its players are free (it ends aborted if it ever comes back).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BattleLostAfter { get; set; } = TimeSpan.FromSeconds(60);
}
