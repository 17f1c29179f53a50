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

    /// <summary>
    /// How far apart (highest minus lowest rating) the players of one battle may be, by how long its oldest ticket has
    /// waited: each step holds from its <see cref="RatingSpreadStep.After"/> until the next; the last holds for ever.
    /// Empty (the default) means <see cref="DefaultRatingSpreadSteps"/>; a configured list replaces them whole
    /// (<c>Matchmaking:RatingSpreadSteps:0:After</c>, <c>…:0:Spread</c>; <c>Infinity</c> for no limit).
    /// </summary>
    [RatingSpreadSteps]
    public List<RatingSpreadStep> RatingSpreadSteps { get; set; } = [];

    /// <summary>0 s: 200, 10 s: 400, 20 s: 800, 40 s: unlimited (docs/matchmaking.md).</summary>
    public static IReadOnlyList<RatingSpreadStep> DefaultRatingSpreadSteps { get; } =
    [
        new() { After = TimeSpan.Zero, Spread = 200 },
        new() { After = TimeSpan.FromSeconds(10), Spread = 400 },
        new() { After = TimeSpan.FromSeconds(20), Spread = 800 },
        new() { After = TimeSpan.FromSeconds(40), Spread = double.PositiveInfinity },
    ];

    /// <summary>The steps in force: the configured ones, or the defaults when none are.</summary>
    public IReadOnlyList<RatingSpreadStep> EffectiveRatingSpreadSteps => RatingSpreadSteps.Count > 0 ? RatingSpreadSteps : DefaultRatingSpreadSteps;

    /// <summary>The rating spread allowed once the oldest ticket has waited <paramref name="waited"/>.</summary>
    public double RatingSpreadAfter(TimeSpan waited)
    {
        var steps = EffectiveRatingSpreadSteps;
        var spread = steps[0].Spread;
        for (var i = 1; i < steps.Count && steps[i].After <= waited; i++)
        {
            spread = steps[i].Spread;
        }

        return spread;
    }
}

/// <summary>One step of <see cref="MatchmakingOptions.RatingSpreadSteps"/>: from <see cref="After"/> of waiting, players up to <see cref="Spread"/> apart.</summary>
public sealed class RatingSpreadStep
{
    public TimeSpan After { get; set; }

    /// <summary>Highest minus lowest rating in one battle; <see cref="double.PositiveInfinity"/> for no limit.</summary>
    public double Spread { get; set; }
}

/// <summary>
/// Rating spread steps must start at 0 s, wait strictly longer each, and allow positive spreads that never narrow (the
/// matcher looks a step up by time, so an unordered list would silently skip steps; a narrowing one would punish waiting).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RatingSpreadStepsAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not IReadOnlyList<RatingSpreadStep> steps || steps.Count == 0)
        {
            return ValidationResult.Success; // empty: the defaults
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is null || double.IsNaN(steps[i].Spread) || steps[i].Spread <= 0)
            {
                return Fail($"step {i}: Spread must be positive (Infinity for no limit)");
            }

            if (i == 0 ? steps[i].After != TimeSpan.Zero : steps[i].After <= steps[i - 1].After)
            {
                return Fail(i == 0 ? "step 0: After must be 00:00:00" : $"step {i}: After must be later than step {i - 1}'s");
            }

            if (i > 0 && steps[i].Spread < steps[i - 1].Spread)
            {
                return Fail($"step {i}: Spread must not be narrower than step {i - 1}'s");
            }
        }

        return ValidationResult.Success;

        ValidationResult Fail(string why) => new($"Matchmaking:RatingSpreadSteps {why}", [validationContext.MemberName ?? "RatingSpreadSteps"]);
    }
}
