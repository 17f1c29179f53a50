using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Matchmaking;

namespace Tanks.Tests.Matchmaking;

/// <summary>The platoon rules on a real cluster: invitations, their expiry on the fake clock, size, ready and queue, leaving.</summary>
[Collection(PlatoonClusterCollection.Name)]
public sealed class PlatoonGrainTests(PlatoonCluster fixture)
{
    private async Task<((long Id, string Name) Leader, (long Id, string Name)[] Members)> PlatoonAsync(int members)
    {
        var leader = await fixture.NewPlayerAsync();
        var joined = new (long Id, string Name)[members];
        for (var i = 0; i < members; i++)
        {
            joined[i] = await fixture.NewPlayerAsync();
            Assert.Equal(PlatoonResult.Ok, (await fixture.Platoon(leader.Id).InviteAsync(leader.Id, leader.Name, joined[i].Name)).Result);
            Assert.Equal(PlatoonResult.Ok, (await fixture.Platoon(leader.Id).AcceptAsync(joined[i].Id, joined[i].Name)).Result);
        }

        await fixture.PointersAsync(leader.Id, [leader.Id, .. joined.Select(m => m.Id)]);
        return (leader, joined);
    }

    [Fact]
    public async Task An_accepted_invitation_forms_a_platoon_every_member_hears_of()
    {
        var leader = await fixture.NewPlayerAsync();
        var bob = await fixture.NewPlayerAsync();

        var invited = await fixture.Platoon(leader.Id).InviteAsync(leader.Id, leader.Name, bob.Name.ToUpperInvariant());

        Assert.Equal(PlatoonResult.Ok, invited.Result);
        Assert.Equal([new PlatoonMember(leader.Id, leader.Name, false), new PlatoonMember(bob.Id, bob.Name, false, Invited: true)], invited.Platoon.Members);
        var invitation = await fixture.Notices.WaitAsync(bob.Id, n => n.Kind == PlatoonNoticeKind.Invited, "the invitation");
        Assert.Equal((leader.Id, leader.Name), (invitation.LeaderId, invitation.FromName));
        Assert.Equal(0, await fixture.Player(leader.Id).GetPlatoonAsync()); // nobody accepted yet: no platoon to queue with

        var accepted = await fixture.Platoon(leader.Id).AcceptAsync(bob.Id, bob.Name);

        Assert.Equal(PlatoonResult.Ok, accepted.Result);
        Assert.Equal([leader.Id, bob.Id], accepted.Platoon.Members.Select(m => m.UserId));
        Assert.DoesNotContain(accepted.Platoon.Members, m => m.Invited);
        await fixture.PointersAsync(leader.Id, leader.Id, bob.Id);
        foreach (var id in new[] { leader.Id, bob.Id })
        {
            await fixture.Notices.WaitAsync(id, n => n.Kind == PlatoonNoticeKind.Update && n.Members.Length == 2 && !n.Members.Any(m => m.Invited), "the formed platoon");
        }

        // Accepting again (a lost answer) is harmless.
        Assert.Equal(PlatoonResult.Ok, (await fixture.Platoon(leader.Id).AcceptAsync(bob.Id, bob.Name)).Result);
    }

    [Fact]
    public async Task Invitations_are_refused_for_unknown_names_self_members_of_a_platoon_and_non_leaders()
    {
        var ((leaderId, leaderName), members) = await PlatoonAsync(1);
        var bob = members[0];
        var outsider = await fixture.NewPlayerAsync();

        Assert.Equal(PlatoonResult.UnknownPlayer, (await fixture.Platoon(leaderId).InviteAsync(leaderId, leaderName, "nobody_" + Guid.NewGuid().ToString("N")[..8])).Result);
        Assert.Equal(PlatoonResult.UnknownPlayer, (await fixture.Platoon(leaderId).InviteAsync(leaderId, leaderName, "not a name!")).Result);
        Assert.Equal(PlatoonResult.Self, (await fixture.Platoon(leaderId).InviteAsync(leaderId, leaderName, leaderName)).Result);
        Assert.Equal(PlatoonResult.AlreadyInPlatoon, (await fixture.Platoon(leaderId).InviteAsync(leaderId, leaderName, bob.Name)).Result);
        Assert.Equal(PlatoonResult.AlreadyInPlatoon, (await fixture.Platoon(outsider.Id).InviteAsync(outsider.Id, outsider.Name, bob.Name)).Result);
        // A member leads no platoon of their own, and nobody calls a platoon in its leader's name.
        Assert.Equal(PlatoonResult.NotLeader, (await fixture.Platoon(bob.Id).InviteAsync(bob.Id, bob.Name, outsider.Name)).Result);
        Assert.Equal(PlatoonResult.NotLeader, (await fixture.Platoon(leaderId).InviteAsync(bob.Id, bob.Name, outsider.Name)).Result);
        Assert.Equal(PlatoonResult.NotLeader, (await fixture.Platoon(leaderId).KickAsync(bob.Id, leaderId)).Result);
        Assert.Equal(PlatoonResult.NoInvite, (await fixture.Platoon(leaderId).AcceptAsync(outsider.Id, outsider.Name)).Result);
    }

    [Fact]
    public async Task A_full_platoon_refuses_further_invitations_pending_ones_included()
    {
        var leader = await fixture.NewPlayerAsync();
        var players = new[] { await fixture.NewPlayerAsync(), await fixture.NewPlayerAsync(), await fixture.NewPlayerAsync() };
        var platoon = fixture.Platoon(leader.Id);

        Assert.Equal(PlatoonResult.Ok, (await platoon.InviteAsync(leader.Id, leader.Name, players[0].Name)).Result);
        Assert.Equal(PlatoonResult.Ok, (await platoon.InviteAsync(leader.Id, leader.Name, players[1].Name)).Result);
        Assert.Equal(PlatoonResult.Full, (await platoon.InviteAsync(leader.Id, leader.Name, players[2].Name)).Result);
        Assert.Equal(PlatoonResult.Ok, (await platoon.AcceptAsync(players[0].Id, players[0].Name)).Result);
        Assert.Equal(PlatoonResult.Ok, (await platoon.AcceptAsync(players[1].Id, players[1].Name)).Result);
        var full = await platoon.InviteAsync(leader.Id, leader.Name, players[2].Name);

        Assert.Equal(PlatoonResult.Full, full.Result);
        Assert.Equal(MatchTicket.MaxPlatoonSize, full.Platoon.Members.Length);
        Assert.Equal(PlatoonResult.NoInvite, (await platoon.AcceptAsync(players[2].Id, players[2].Name)).Result);
        await fixture.PointersAsync(0, players[2].Id);
    }

    [Fact]
    public async Task An_invitation_expires_after_a_minute_on_the_grain_clock()
    {
        var leader = await fixture.NewPlayerAsync();
        var late = await fixture.NewPlayerAsync();
        var early = await fixture.NewPlayerAsync();
        var platoon = fixture.Platoon(leader.Id);
        Assert.Equal(PlatoonResult.Ok, (await platoon.InviteAsync(leader.Id, leader.Name, late.Name)).Result);
        Assert.Equal(PlatoonResult.Ok, (await platoon.InviteAsync(leader.Id, leader.Name, early.Name)).Result);

        fixture.Time.Advance(PlatoonGrain.InvitationLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(PlatoonResult.Ok, (await platoon.AcceptAsync(early.Id, early.Name)).Result);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(PlatoonResult.NoInvite, (await platoon.AcceptAsync(late.Id, late.Name)).Result);
        var view = await platoon.GetViewAsync();
        Assert.Equal([leader.Id, early.Id], view.Members.Select(m => m.UserId));
        Assert.Equal(0, await fixture.Player(late.Id).GetPlatoonAsync());
    }

    [Fact]
    public async Task A_declined_invitation_leaves_the_leader_without_a_platoon()
    {
        var leader = await fixture.NewPlayerAsync();
        var bob = await fixture.NewPlayerAsync();
        Assert.Equal(PlatoonResult.Ok, (await fixture.Platoon(leader.Id).InviteAsync(leader.Id, leader.Name, bob.Name)).Result);

        Assert.Equal(PlatoonResult.Ok, (await fixture.Platoon(leader.Id).DeclineAsync(bob.Id)).Result);

        Assert.Equal(PlatoonNoticeKind.Disbanded, (await fixture.Platoon(leader.Id).GetViewAsync()).Kind);
        await fixture.Notices.WaitAsync(leader.Id, n => n.Kind == PlatoonNoticeKind.Disbanded, "the empty platoon gone");
        Assert.Equal(PlatoonResult.NoInvite, (await fixture.Platoon(leader.Id).AcceptAsync(bob.Id, bob.Name)).Result);
    }

    [Fact]
    public async Task The_platoon_queues_once_when_every_member_is_ready_as_one_ticket_in_the_leaders_shard()
    {
        var ((leaderId, leaderName), members) = await PlatoonAsync(2);
        var shard = fixture.Client.GetGrain<IMatchQueueGrain>(PlayerGrain.ShardOf(leaderId, 2));
        var before = await shard.GetStatsAsync();

        var first = await fixture.Player(leaderId).JoinQueueAsync(leaderName, "heavy");
        var second = await fixture.Player(members[0].Id).JoinQueueAsync(members[0].Name, "light");

        Assert.Equal(new PlayerStatus(PlayerState.Queued, QueuePosition: 0), first); // waiting for the others
        Assert.Equal(new PlayerStatus(PlayerState.Queued, QueuePosition: 0), second);
        Assert.Equal(before.QueuedPlayers, (await shard.GetStatsAsync()).QueuedPlayers);
        Assert.Equal(new PlayerStatus(PlayerState.Queued, QueuePosition: 0), await fixture.Player(leaderId).GetStatusAsync());

        var last = await fixture.Player(members[1].Id).JoinQueueAsync(members[1].Name, "medium");

        Assert.Equal(PlayerState.Queued, last.State);
        Assert.True(last.QueuePosition >= 1);
        var after = await shard.GetStatsAsync();
        Assert.Equal(before.QueuedTickets + 1, after.QueuedTickets);
        Assert.Equal(before.QueuedPlayers + 3, after.QueuedPlayers);
        foreach (var id in new[] { leaderId, members[0].Id })
        {
            var status = await fixture.Player(id).GetStatusAsync();
            Assert.Equal((PlayerState.Queued, last.QueuePosition), (status.State, status.QueuePosition));
        }

        var view = await fixture.Platoon(leaderId).GetViewAsync();
        Assert.True(view.Queued);
        Assert.All(view.Members, m => Assert.True(m.Ready));

        // One member leaves the queue: the ticket goes, the others stay ready and wait for them.
        Assert.Equal(PlayerStatus.Idle, await fixture.Player(members[1].Id).LeaveQueueAsync());
        Assert.Equal(before.QueuedTickets, (await shard.GetStatsAsync()).QueuedTickets);
        Assert.Equal(new PlayerStatus(PlayerState.Queued, QueuePosition: 0), await fixture.Player(leaderId).GetStatusAsync());
        await fixture.Player(leaderId).DisconnectedAsync(); // disbands, for the next test's queue
        Assert.Equal(before.QueuedTickets, (await shard.GetStatsAsync()).QueuedTickets);
    }

    [Fact]
    public async Task A_member_who_disconnects_takes_the_ticket_out_of_the_queue_and_leaves_the_platoon()
    {
        var ((leaderId, leaderName), members) = await PlatoonAsync(2);
        var shard = fixture.Client.GetGrain<IMatchQueueGrain>(PlayerGrain.ShardOf(leaderId, 2));
        var before = await shard.GetStatsAsync();
        await fixture.Player(leaderId).JoinQueueAsync(leaderName, "heavy");
        await fixture.Player(members[0].Id).JoinQueueAsync(members[0].Name, "light");
        await fixture.Player(members[1].Id).JoinQueueAsync(members[1].Name, "medium");
        Assert.Equal(before.QueuedTickets + 1, (await shard.GetStatsAsync()).QueuedTickets);

        await fixture.Player(members[1].Id).DisconnectedAsync();

        Assert.Equal(before.QueuedTickets, (await shard.GetStatsAsync()).QueuedTickets);
        await fixture.PointersAsync(0, members[1].Id);
        await fixture.PointersAsync(leaderId, leaderId, members[0].Id);
        // The leaver's gateway is gone with them (their player grain dropped it): the others are told.
        var update = await fixture.Notices.WaitAsync(members[0].Id, n => n.Kind == PlatoonNoticeKind.Update && n.Members.Length == 2, "the others told");
        Assert.False(update.Queued);
        Assert.All(update.Members, m => Assert.False(m.Ready)); // they may queue again, each by choice
        Assert.Equal(PlayerStatus.Idle, await fixture.Player(leaderId).GetStatusAsync());

        // They queue again as the two of them.
        await fixture.Player(leaderId).JoinQueueAsync(leaderName, "heavy");
        var again = await fixture.Player(members[0].Id).JoinQueueAsync(members[0].Name, "light");
        Assert.Equal(PlayerState.Queued, again.State);
        Assert.True(again.QueuePosition >= 1);
        await fixture.Player(leaderId).DisconnectedAsync();
        Assert.Equal(before.QueuedTickets, (await shard.GetStatsAsync()).QueuedTickets);
        await fixture.PointersAsync(0, leaderId, members[0].Id);
    }

    [Fact]
    public async Task The_leader_leaving_disbands_and_a_kicked_member_is_out()
    {
        var ((leaderId, _), members) = await PlatoonAsync(2);

        var kicked = await fixture.Platoon(leaderId).KickAsync(leaderId, members[0].Id);

        Assert.Equal(PlatoonResult.Ok, kicked.Result);
        Assert.Equal([leaderId, members[1].Id], kicked.Platoon.Members.Select(m => m.UserId));
        await fixture.PointersAsync(0, members[0].Id);
        Assert.Equal(PlatoonResult.NotMember, (await fixture.Platoon(leaderId).KickAsync(leaderId, members[0].Id)).Result);

        await fixture.Platoon(leaderId).LeaveAsync(leaderId);

        await fixture.PointersAsync(0, leaderId, members[1].Id);
        await fixture.Notices.WaitAsync(members[1].Id, n => n.Kind == PlatoonNoticeKind.Disbanded, "the disband");
        Assert.Equal(PlatoonNoticeKind.Disbanded, (await fixture.Platoon(leaderId).GetViewAsync()).Kind);
    }

    [Fact]
    public async Task A_member_of_a_platoon_that_was_left_alone_queues_solo()
    {
        var ((leaderId, leaderName), members) = await PlatoonAsync(1);
        await fixture.Platoon(leaderId).LeaveAsync(members[0].Id);
        await fixture.PointersAsync(0, leaderId, members[0].Id); // the leader alone has no platoon

        var solo = await fixture.Player(leaderId).JoinQueueAsync(leaderName, "medium");

        Assert.Equal(PlayerState.Queued, solo.State);
        Assert.True(solo.QueuePosition >= 1);
        await fixture.Player(leaderId).LeaveQueueAsync();
    }

    [Fact]
    public async Task A_queued_platoon_is_formed_into_one_battle_on_one_team()
    {
        var ((leaderId, leaderName), members) = await PlatoonAsync(1);
        var solos = new List<(long Id, string Name)>();
        while (solos.Count < 2)
        {
            var player = await fixture.NewPlayerAsync();
            if (PlayerGrain.ShardOf(player.Id, 2) == PlayerGrain.ShardOf(leaderId, 2))
            {
                solos.Add(player); // the platoon's shard: the leader's
            }
        }

        await fixture.Player(leaderId).JoinQueueAsync(leaderName, "heavy");
        await fixture.Player(members[0].Id).JoinQueueAsync(members[0].Name, "light");
        foreach (var solo in solos)
        {
            await fixture.Player(solo.Id).JoinQueueAsync(solo.Name, "medium");
        }

        // Polled at the shard, as the gateway polls queued players (a player grain asked while the shard's match turn
        // waits on that very player grain would wait for it: see the report on MatchedAsync).
        var everyone = new[] { leaderId, members[0].Id, solos[0].Id, solos[1].Id };
        var shard = fixture.Client.GetGrain<IMatchQueueGrain>(PlayerGrain.ShardOf(leaderId, 2));
        var statuses = default(System.Collections.Immutable.ImmutableArray<PlayerStatus>);
        await PlatoonCluster.UntilAsync(async () =>
        {
            statuses = await shard.GetStatusesAsync([.. everyone]);
            return statuses.All(s => s.State == PlayerState.InBattle);
        }, "the 2v2");

        var battleId = statuses[0].BattleId;
        Assert.All(statuses, s => Assert.Equal(battleId, s.BattleId));
        var info = await fixture.Client.GetGrain<ISessionGrain>(battleId).GetInfoAsync();
        Assert.NotNull(info);
        var team = info.Assignment.Players.ToDictionary(p => p.UserId, p => p.Team);
        Assert.Equal(everyone.Order(), team.Keys.Order());
        Assert.Equal(team[leaderId], team[members[0].Id]);
        Assert.Equal(1 - team[leaderId], team[solos[0].Id]);
        Assert.Equal(1 - team[leaderId], team[solos[1].Id]);

        // Matched: nobody in the platoon is ready any more; after the battle each queues again.
        Assert.Equal(PlayerState.InBattle, (await fixture.Platoon(leaderId).GetStatusAsync(members[0].Id)).State);
        var view = await fixture.Platoon(leaderId).GetViewAsync();
        Assert.False(view.Queued);
        Assert.All(view.Members, m => Assert.False(m.Ready));
        await fixture.Player(leaderId).DisconnectedAsync();
    }
}
