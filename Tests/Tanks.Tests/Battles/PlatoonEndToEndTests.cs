using Tanks.Protocol.Game;

namespace Tanks.Tests.Battles;

/// <summary>
/// Platoons over the game protocol through the real Gateway.Udp: an invitation pushed to the invitee, the answer, every
/// member told of each change, the platoon queued once both joined, a member leaving taking it out of the queue.
/// </summary>
[Collection(BattleStackCollection.Name)]
public sealed class PlatoonEndToEndTests(BattleStack shared)
{
    [Fact]
    public async Task Invite_accept_both_join_and_the_platoon_is_queued_as_one_until_a_member_leaves()
    {
        var (leader, _) = await shared.NewPlayerAsync();
        var (member, memberName) = await shared.NewPlayerAsync();
        using var _ = leader;
        using var __ = member;
        var leaderId = leader.Session.UserId;
        var memberId = member.Session.UserId;
        try
        {
            // The gateway attaches its observer to each player's grain on connect: an invitation reaches the invitee at once.
            var invited = await leader.Game.InvitePlatoonAsync(memberName.ToUpperInvariant());
            Assert.Equal((PlatoonResultCode.Ok, PlatoonUpdateKind.Update), (invited.Result, invited.Kind));
            Assert.True(invited.IsReply, "the invite's answer");
            Assert.Equal([(leaderId, false), (memberId, true)], invited.Members.Select(m => (m.UserId, m.Invited)));

            var invitation = await member.Game.WaitForPlatoonUpdateAsync(u => u.Kind == PlatoonUpdateKind.Invited);
            Assert.Equal(leaderId, invitation.LeaderId);
            Assert.False(invitation.IsReply);

            var accepted = await member.Game.AnswerPlatoonAsync(invitation.LeaderId, accept: true);
            Assert.Equal(PlatoonResultCode.Ok, accepted.Result);
            Assert.Equal([leaderId, memberId], accepted.Members.Select(m => m.UserId));
            await leader.Game.WaitForPlatoonUpdateAsync(u => u.Kind == PlatoonUpdateKind.Update && u.Members.Count == 2 && !u.Members.Any(m => m.Invited));
            Assert.Equal(PlatoonResultCode.NotLeader, (await member.Game.KickAsync(leaderId)).Result);

            // The leader readies first: queued at position 0 until the member is ready too; then one ticket for both.
            var waiting = await leader.Game.JoinQueueAsync(TankClassCodes.Heavy);
            Assert.Equal((QueueState.Queued, (ushort)0), (waiting.State, waiting.Position));
            var seen = member.Game.PlatoonUpdates;
            var queued = await member.Game.JoinQueueAsync(TankClassCodes.Light);
            Assert.Equal(QueueState.Queued, queued.State);
            Assert.True(queued.Position >= 1, $"position {queued.Position}");
            var update = await member.Game.WaitForPlatoonUpdateAsync(u => u.Queued, after: seen);
            Assert.All(update.Members, m => Assert.True(m.Ready, $"{m} ready"));

            // The member leaves: out of the queue, the leader told; the leader's client hears it is idle at its next poll.
            var left = await member.Game.LeavePlatoonAsync();
            Assert.Equal((PlatoonResultCode.Ok, PlatoonUpdateKind.Disbanded), (left.Result, left.Kind));
            Assert.Null(member.Game.Platoon);
            await leader.Game.WaitForPlatoonUpdateAsync(u => u.Kind == PlatoonUpdateKind.Disbanded);
            await WaitAsync(() => leader.Game.LastQueueStatus is { State: QueueState.Idle }, "the leader idle after the platoon left the queue");
        }
        finally
        {
            await leader.Game.LeavePlatoonAsync(); // never leave a platoon ticket ahead of the other tests' duels
        }
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
