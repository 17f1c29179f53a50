using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Matchmaking;
using static Tanks.Tests.Matchmaking.Tickets;
using MatchmakingOptions = Tanks.Grains.Sessions.MatchmakingOptions;

namespace Tanks.Tests.Matchmaking;

/// <summary>
/// The team-size relaxation of the first-come matcher (Tests/Sessions/MatchmakerTests.cs), ported case by case to tickets,
/// then ratings, platoons and tank classes.
/// </summary>
public sealed class MatchmakerTests
{
    private static readonly MatchmakingOptions Options = new();
    private static readonly MatchmakingOptions NoSizeWaits = new() { ReducedTeamsAfter = TimeSpan.Zero, AnyTeamsAfter = TimeSpan.Zero };

    private static List<MatchTicket> Queue(int players)
        => [.. Enumerable.Range(1, players).Select(i => Solo(i, queuedAt: Start.AddMilliseconds(i)))];

    [Theory]
    // players, seconds the oldest has waited, battles formed, players left queued
    [InlineData(1, 0, "", 1)]
    [InlineData(1, 600, "", 1)]
    [InlineData(2, 0, "", 2)]
    [InlineData(2, 31, "", 2)]
    [InlineData(2, 61, "1v1", 0)]
    [InlineData(13, 0, "", 13)]
    [InlineData(13, 31, "6v6", 1)]
    [InlineData(14, 0, "7v7", 0)]
    [InlineData(30, 0, "7v7,7v7", 2)]
    [InlineData(30, 31, "7v7,7v7", 2)]
    [InlineData(30, 61, "7v7,7v7,1v1", 0)]
    [InlineData(5, 31, "", 5)]
    [InlineData(6, 31, "3v3", 0)]
    public void Forms_even_battles_by_queue_size_and_wait(int players, int waitedSeconds, string expected, int left)
    {
        var queue = Queue(players);
        var battles = Matchmaker.Form(queue, Start.AddSeconds(waitedSeconds), Options);

        Assert.Equal(expected, Shapes(battles));
        Assert.Equal(left, queue.Count);
    }

    [Fact]
    public void The_oldest_players_go_first_and_equal_players_alternate_in_queue_order()
    {
        var queue = Queue(16);
        var battle = Assert.Single(Matchmaker.Form(queue, Start, Options));

        Assert.Equal([1L, 3, 5, 7, 9, 11, 13], Ids(battle.TeamA));
        Assert.Equal([2L, 4, 6, 8, 10, 12, 14], Ids(battle.TeamB));
        Assert.Equal([15L, 16], queue.Select(t => t.TicketId));
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], battle.Tickets.Select(t => t.TicketId));
    }

    [Fact]
    public void With_zero_waits_two_players_start_at_once()
    {
        Assert.Equal("1v1", Shapes(Matchmaker.Form(Queue(2), Start.AddSeconds(1), NoSizeWaits)));
    }

    [Fact]
    public void Teams_never_grow_past_what_the_map_holds()
    {
        var queue = Queue(9);

        Assert.Equal("1v1,1v1,1v1,1v1", Shapes(Matchmaker.Form(queue, Start.AddSeconds(1), NoSizeWaits, maxTeamSize: 1)));
        Assert.Single(queue);
        Assert.Equal("2v2,2v2,2v2", Shapes(Matchmaker.Form(Queue(13), Start, Options, maxTeamSize: 2)));
    }

    [Theory]
    // seconds waited, matched: a 1000 and a 2400 are 1400 apart, beyond every step but the unlimited one (40 s)
    [InlineData(0, false)]
    [InlineData(15, false)]
    [InlineData(39, false)]
    [InlineData(40, true)]
    public void A_high_and_a_low_rated_player_meet_only_at_the_unlimited_step(int waitedSeconds, bool matched)
    {
        var queue = new List<MatchTicket> { Solo(1, 1000), Solo(2, 2400) };
        var battles = Matchmaker.Form(queue, Start.AddSeconds(waitedSeconds), NoSizeWaits);

        Assert.Equal(matched ? "1v1" : "", Shapes(battles));
        Assert.Equal(matched ? 0 : 2, queue.Count);
    }

    [Theory]
    // rating apart, seconds waited, matched (steps 0 s: 200, 10 s: 400, 20 s: 800)
    [InlineData(200, 0, true)]
    [InlineData(201, 0, false)]
    [InlineData(201, 10, true)]
    [InlineData(400, 10, true)]
    [InlineData(401, 19, false)]
    [InlineData(401, 20, true)]
    [InlineData(801, 39, false)]
    public void The_allowed_spread_widens_step_by_step(double apart, int waitedSeconds, bool matched)
    {
        var queue = new List<MatchTicket> { Solo(1, 1500), Solo(2, 1500 + apart) };
        Assert.Equal(matched ? "1v1" : "", Shapes(Matchmaker.Form(queue, Start.AddSeconds(waitedSeconds), NoSizeWaits)));
    }

    [Fact]
    public void The_steps_come_from_the_options()
    {
        var tight = new MatchmakingOptions
        {
            ReducedTeamsAfter = TimeSpan.Zero,
            AnyTeamsAfter = TimeSpan.Zero,
            RatingSpreadSteps = [new() { After = TimeSpan.Zero, Spread = 50 }, new() { After = TimeSpan.FromSeconds(5), Spread = 100 }],
        };

        Assert.Empty(Matchmaker.Form([Solo(1, 1500), Solo(2, 1560)], Start.AddSeconds(4), tight));
        Assert.Single(Matchmaker.Form([Solo(1, 1500), Solo(2, 1560)], Start.AddSeconds(5), tight));
        Assert.Empty(Matchmaker.Form([Solo(1, 1500), Solo(2, 1700)], Start.AddHours(1), tight)); // the last step holds for ever
    }

    [Fact]
    public void Players_are_matched_with_their_nearest_ratings_not_the_whole_queue()
    {
        // Two clusters far apart: two clean battles, not a mix.
        var queue = new List<MatchTicket>();
        for (var i = 0; i < 14; i++)
        {
            queue.Add(Solo(i + 1, 1200 + i, queuedAt: Start.AddMilliseconds(2 * i)));
            queue.Add(Solo(i + 101, 1800 + i, queuedAt: Start.AddMilliseconds(2 * i + 1)));
        }

        var battles = Matchmaker.Form(queue, Start.AddSeconds(50), Options);

        Assert.Equal("7v7,7v7", Shapes(battles));
        Assert.All(battles, b => Assert.True(b.RatingRange <= 13));
    }

    [Fact]
    public void A_ticket_at_the_unlimited_step_is_matched_before_younger_ones_fill_battles_without_it()
    {
        var queue = new List<MatchTicket> { Solo(1, 3000, queuedAt: Start) };
        queue.AddRange(Enumerable.Range(2, 14).Select(i => Solo(i, 1500, queuedAt: Start.AddSeconds(61))));

        var battle = Assert.Single(Matchmaker.Form(queue, Start.AddSeconds(61), Options));

        Assert.Contains(battle.Tickets, t => t.TicketId == 1);
        Assert.Equal("7v7", Shapes([battle]));
        Assert.Single(queue);
    }

    [Fact]
    public void The_teams_are_split_to_close_total_ratings()
    {
        var queue = new List<MatchTicket>();
        double[] ratings = [1500, 1510, 1530, 1560, 1600, 1610, 1620, 1640, 1650, 1655, 1660, 1670, 1690, 1700];
        queue.AddRange(ratings.Select((r, i) => Solo(i + 1, r, queuedAt: Start.AddMilliseconds(i))));

        var battle = Assert.Single(Matchmaker.Form(queue, Start, Options));

        Assert.True(battle.TeamGap <= 1, $"gap {battle.TeamGap}"); // sums 11,295 and 11,300 are reachable
    }

    [Fact]
    public void Tank_classes_are_balanced_before_the_rating_gap()
    {
        // Rating alone would pair the heavies (1600 + 1500 against 1590 + 1510: no gap); classes first gives 10 points of gap.
        var queue = new List<MatchTicket> { Solo(1, 1600, "heavy"), Solo(2, 1500, "heavy"), Solo(3, 1590, "light"), Solo(4, 1510, "light") };

        var battle = Assert.Single(Matchmaker.Form(queue, Start, Options, maxTeamSize: 2));

        Assert.Equal(0, battle.ClassImbalance);
        Assert.Equal(10, battle.TeamGap, 9);
    }

    [Fact]
    public void Seven_heavies_and_seven_lights_split_four_and_three()
    {
        var queue = Enumerable.Range(1, 14).Select(i => Solo(i, 1500 + i, i <= 7 ? "heavy" : "light", Start.AddMilliseconds(i))).ToList();
        var battle = Assert.Single(Matchmaker.Form(queue, Start, Options));

        Assert.Equal(2, battle.ClassImbalance);
        Assert.InRange(battle.TeamA.Count(m => m.TankClass == "heavy"), 3, 4);
    }

    [Fact]
    public void A_platoon_lands_on_one_team()
    {
        var queue = new List<MatchTicket> { Platoon(100, Start, (1500, "heavy"), (1520, "heavy"), (1480, "medium")) };
        queue.AddRange(Enumerable.Range(1, 11).Select(i => Solo(i, 1450 + 10 * i, queuedAt: Start.AddSeconds(1))));

        var battle = Assert.Single(Matchmaker.Form(queue, Start.AddSeconds(1), Options));

        Assert.Equal("7v7", Shapes([battle]));
        var platoonSide = battle.TeamA.Any(m => m.UserId == 100) ? battle.TeamA : battle.TeamB;
        Assert.Subset(Ids(platoonSide).ToHashSet(), new HashSet<long> { 100, 101, 102 });
        Assert.Empty(queue);
    }

    [Fact]
    public void Platoons_that_cannot_fill_a_team_exactly_wait_whole()
    {
        // Four trios and a duo are 14 players, but 7 is no sum of 3s and one 2: no 7v7. After 30 s: 6v6 of four trios.
        var queue = Enumerable.Range(0, 4).Select(i => Platoon(10 * (i + 1), Start.AddMilliseconds(i), (1500, "light"), (1500, "medium"), (1500, "heavy"))).ToList();
        queue.Add(Platoon(90, Start.AddMilliseconds(9), (1500, "light"), (1500, "heavy")));

        Assert.Empty(Matchmaker.Form(queue, Start.AddSeconds(29), Options));
        var battle = Assert.Single(Matchmaker.Form(queue, Start.AddSeconds(31), Options));

        Assert.Equal("6v6", Shapes([battle]));
        Assert.Equal(90, Assert.Single(queue).TicketId);
        Assert.All(battle.Tickets, t => Assert.True(t.Members.All(battle.TeamA.Contains) || t.Members.All(battle.TeamB.Contains)));
    }

    [Fact]
    public void A_platoon_larger_than_the_map_holds_stays_queued()
    {
        var queue = new List<MatchTicket> { Platoon(10, Start, (1500, "light"), (1500, "light"), (1500, "light")), Solo(1), Solo(2) };

        Assert.Equal("1v1", Shapes(Matchmaker.Form(queue, Start.AddSeconds(61), Options, maxTeamSize: 2)));
        Assert.Equal(10, Assert.Single(queue).TicketId);
    }

    [Fact]
    public void A_platoon_far_apart_in_itself_is_not_held_back_by_its_own_spread()
    {
        var queue = new List<MatchTicket> { Platoon(10, Start, (1200, "light"), (1700, "heavy")), Platoon(20, Start, (1300, "light"), (1600, "heavy")) };

        Assert.Equal("2v2", Shapes(Matchmaker.Form(queue, Start, NoSizeWaits)));
    }

    [Fact]
    public void The_same_queue_forms_the_same_battles_whatever_its_order()
    {
        var random = new Random(7);
        var tickets = Enumerable.Range(1, 60).Select(i => Solo(i, 1300 + random.Next(400), TankClass(random), Start.AddMilliseconds(i))).ToList();
        var shuffled = tickets.OrderBy(_ => random.Next()).ToList();

        var first = Matchmaker.Form([.. tickets], Start.AddSeconds(12), Options);
        var second = Matchmaker.Form(shuffled, Start.AddSeconds(12), Options);

        Assert.Equal(first.Select(Describe), second.Select(Describe));
        Assert.NotEmpty(first);

        static string Describe(FormedBattle b) => $"{string.Join(" ", Ids(b.TeamA))} | {string.Join(" ", Ids(b.TeamB))}";
    }

    private static string TankClass(Random random) => random.Next(3) switch { 0 => "light", 1 => "medium", _ => "heavy" };
}
