using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Matchmaking;
using static Tanks.Tests.Matchmaking.Tickets;
using MatchmakingOptions = Tanks.Grains.Sessions.MatchmakingOptions;

namespace Tanks.Tests.Matchmaking;

/// <summary>What must hold for every queue: many seeded random queues (solos and platoons, spread ratings, mixed waits).</summary>
public sealed class MatchmakerPropertyTests
{
    private static readonly string[] Classes = ["light", "medium", "heavy"];

    [Fact]
    public void Every_battle_of_every_random_queue_keeps_the_rules()
    {
        var formed = 0;
        var withPlatoons = 0;
        for (var seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            var options = seed % 3 == 0 ? new MatchmakingOptions() : new MatchmakingOptions { TeamSize = random.Next(1, 8) };
            var maxTeamSize = seed % 5 == 0 ? random.Next(1, 8) : int.MaxValue;
            var now = Start.AddMinutes(5);
            var queue = RandomQueue(random, random.Next(0, 120), now, maxWaitSeconds: 90);
            var before = queue.ToList();

            var battles = Matchmaker.Form(queue, now, options, maxTeamSize);

            Check(battles, before, queue, now, options, maxTeamSize);
            formed += battles.Count;
            withPlatoons += battles.Count(b => b.Tickets.Any(t => t.Members.Length > 1));
        }

        Assert.True(formed > 500 && withPlatoons > 100, $"{formed} battles, {withPlatoons} with platoons: the property ran on too little");
    }

    [Theory]
    // seconds every ticket has waited: one per step of the defaults
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(40)]
    public void At_each_waiting_step_every_battle_stays_within_that_steps_spread(int waitedSeconds)
    {
        var options = new MatchmakingOptions();
        var spread = options.RatingSpreadAfter(TimeSpan.FromSeconds(waitedSeconds));
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(1000 + seed);
            var now = Start.AddSeconds(waitedSeconds);
            var queue = RandomQueue(random, 300, Start, maxWaitSeconds: 0);
            var before = queue.ToList();

            var battles = Matchmaker.Form(queue, now, options);

            Assert.NotEmpty(battles);
            Assert.All(battles, b => Assert.True(b.RatingRange <= Math.Max(spread, OwnSpread(b)), $"range {b.RatingRange} > {spread}"));
            Check(battles, before, queue, now, options, int.MaxValue);
        }
    }

    [Fact]
    public void Past_every_step_no_two_leftover_tickets_could_have_fought()
    {
        // All waited 90 s: any spread, any even battle. What stays cannot pair up (same size) with anything else that stays.
        for (var seed = 0; seed < 100; seed++)
        {
            var random = new Random(5000 + seed);
            var now = Start.AddMinutes(5);
            var queue = RandomQueue(random, random.Next(2, 60), now.AddSeconds(-90), maxWaitSeconds: 0);

            Matchmaker.Form(queue, now, new MatchmakingOptions());

            Assert.True(queue.GroupBy(t => t.Members.Length).All(g => g.Count() == 1), $"seed {seed}: left {string.Join(",", queue.Select(t => t.Members.Length))}");
        }
    }

    private static void Check(List<FormedBattle> battles, List<MatchTicket> before, List<MatchTicket> after, DateTimeOffset now, MatchmakingOptions options, int maxTeamSize)
    {
        var fullTeam = Math.Min(options.TeamSize, maxTeamSize);
        var used = new HashSet<MatchTicket>(ReferenceEqualityComparer.Instance);
        foreach (var battle in battles)
        {
            Assert.Equal(battle.TeamA.Count, battle.TeamB.Count);
            Assert.InRange(battle.TeamA.Count, 1, fullTeam);
            Assert.Equal(battle.TeamA.Count * 2, battle.Tickets.Sum(t => t.Members.Length));

            var teamA = battle.TeamA.Select(m => m.UserId).ToHashSet();
            var teamB = battle.TeamB.Select(m => m.UserId).ToHashSet();
            foreach (var ticket in battle.Tickets)
            {
                Assert.True(used.Add(ticket), "a ticket in two battles");
                Assert.True(ticket.Members.All(m => teamA.Contains(m.UserId)) || ticket.Members.All(m => teamB.Contains(m.UserId)), "a platoon split");
            }

            var oldest = battle.Tickets.Min(t => t.QueuedAt);
            var waited = now - oldest;
            Assert.True(battle.RatingRange <= Math.Max(options.RatingSpreadAfter(waited), OwnSpread(battle)) + 1e-9,
                $"range {battle.RatingRange} after {waited.TotalSeconds} s");

            var smallest = waited >= options.AnyTeamsAfter ? 1 : waited >= options.ReducedTeamsAfter ? Math.Min(options.ReducedTeamSize, fullTeam) : fullTeam;
            Assert.True(battle.TeamA.Count >= smallest, $"{battle.TeamA.Count}v{battle.TeamB.Count} after {waited.TotalSeconds} s");

            if (battle.Tickets.All(t => t.Members.Length == 1))
            {
                Assert.True(battle.ClassImbalance <= 2, "solo battles split every class within one"); // two odd classes: 1 + 1
            }

            AssertNoSwapImproves(battle);
        }

        Assert.Equal(before.Count, after.Count + used.Count);
        Assert.Equal(before.Where(t => !used.Contains(t)), after); // the rest stays, in its order
    }

    /// <summary>The split's guarantee: no swap of two same-size tickets lowers (class imbalance, rating gap) lexicographically.</summary>
    private static void AssertNoSwapImproves(FormedBattle battle)
    {
        var onA = battle.Tickets.Where(t => battle.TeamA.Contains(t.Members[0])).ToList();
        var onB = battle.Tickets.Except(onA).ToList();
        var imbalance = battle.ClassImbalance;
        var gap = Math.Abs(battle.TeamA.Sum(m => m.Rating) - battle.TeamB.Sum(m => m.Rating));
        foreach (var a in onA)
        {
            foreach (var b in onB.Where(b => b.Members.Length == a.Members.Length))
            {
                var newA = battle.TeamA.Except(a.Members).Concat(b.Members).ToList();
                var newB = battle.TeamB.Except(b.Members).Concat(a.Members).ToList();
                var newImbalance = FormedBattle.TankClassImbalance(newA, newB);
                var newGap = Math.Abs(newA.Sum(m => m.Rating) - newB.Sum(m => m.Rating));
                Assert.False(newImbalance < imbalance || (newImbalance == imbalance && newGap < gap - 1e-6),
                    $"swapping {a.TicketId} and {b.TicketId}: ({imbalance}, {gap}) -> ({newImbalance}, {newGap})");
            }
        }
    }

    private static double OwnSpread(FormedBattle battle) => battle.Tickets.Max(t => t.Members.Max(m => m.Rating) - t.Members.Min(m => m.Rating));

    private static List<MatchTicket> RandomQueue(Random random, int tickets, DateTimeOffset newest, int maxWaitSeconds)
    {
        var queue = new List<MatchTicket>(tickets);
        var nextId = 1L;
        var centre = 1500 + random.Next(-300, 300);
        for (var i = 0; i < tickets; i++)
        {
            var roll = random.Next(10);
            var size = roll < 7 ? 1 : roll < 9 ? 2 : 3;
            var queuedAt = newest.AddMilliseconds(-random.Next(maxWaitSeconds * 1000 + 1));
            var platoonRating = Rating(random, centre);
            var members = Enumerable.Range(0, size)
                .Select(_ => (size == 1 ? platoonRating : platoonRating + random.Next(-150, 150), Classes[random.Next(3)]))
                .ToArray();
            queue.Add(Platoon(nextId, queuedAt, members));
            nextId += size;
        }

        return queue;
    }

    /// <summary>Roughly normal around <paramref name="centre"/> (σ 250), with a few exact 1500s as new accounts have.</summary>
    private static double Rating(Random random, int centre)
    {
        if (random.Next(8) == 0)
        {
            return 1500;
        }

        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Round(centre + 250 * normal);
    }
}
