using Tanks.Grains.Sessions;

namespace Tanks.Tests.Sessions;

public sealed class MatchmakerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly MatchmakingOptions Options = new();

    private static List<QueuedPlayer> Queue(int players)
        => Enumerable.Range(1, players).Select(i => new QueuedPlayer(i, "medium", Start.AddMilliseconds(i))).ToList();

    private static string Shapes(IEnumerable<FormedBattle> battles)
        => string.Join(",", battles.Select(b => $"{b.TeamA.Count}v{b.TeamB.Count}"));

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
    public void The_oldest_players_go_first_and_teams_alternate_in_queue_order()
    {
        var queue = Queue(16);
        var battle = Assert.Single(Matchmaker.Form(queue, Start, Options));

        Assert.Equal([1L, 3, 5, 7, 9, 11, 13], battle.TeamA.Select(p => p.UserId));
        Assert.Equal([2L, 4, 6, 8, 10, 12, 14], battle.TeamB.Select(p => p.UserId));
        Assert.Equal([15L, 16], queue.Select(p => p.UserId));
    }

    [Fact]
    public void With_zero_waits_two_players_start_at_once()
    {
        var demo = new MatchmakingOptions { ReducedTeamsAfter = TimeSpan.Zero, AnyTeamsAfter = TimeSpan.Zero };
        Assert.Equal("1v1", Shapes(Matchmaker.Form(Queue(2), Start.AddSeconds(1), demo)));
    }

    [Fact]
    public void Teams_never_grow_past_what_the_map_holds()
    {
        var demo = new MatchmakingOptions { ReducedTeamsAfter = TimeSpan.Zero, AnyTeamsAfter = TimeSpan.Zero };
        var queue = Queue(9);

        Assert.Equal("1v1,1v1,1v1,1v1", Shapes(Matchmaker.Form(queue, Start.AddSeconds(1), demo, maxTeamSize: 1)));
        Assert.Single(queue);
        Assert.Equal("2v2,2v2,2v2", Shapes(Matchmaker.Form(Queue(13), Start, Options, maxTeamSize: 2)));
    }

    [Fact]
    public void The_duel_map_holds_two_tanks_a_side_and_crossroads_seven()
    {
        Assert.Equal(2, MapCapacity.MaxTeamSize("duel", 7)); // a third does not fit its spawn zone
        Assert.Equal(7, MapCapacity.MaxTeamSize("crossroads", 7));
        Assert.Equal(3, MapCapacity.MaxTeamSize("crossroads", 3));
    }
}
