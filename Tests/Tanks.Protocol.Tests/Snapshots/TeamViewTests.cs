using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>Spotting on the grain → gateway path: seen-by masks in the binary form, a team's view, the new events.</summary>
public sealed class TeamViewTests
{
    [Fact]
    public void The_binary_form_carries_seen_by_masks_and_a_team_view_keeps_only_its_entries()
    {
        var rng = new Random(9);
        var full = new WorldState();
        full.Clear(SnapshotGen.RandomHeader(rng, 10));
        Assert.True(full.TryAddTank(SnapshotGen.RandomTank(rng, 4), 40, 0b11));
        Assert.True(full.TryAddTank(SnapshotGen.RandomTank(rng, 1), 10, 0b01));
        Assert.True(full.TryAddTank(SnapshotGen.RandomTank(rng, 9), 90, 0b10));
        Assert.True(full.TryAddShell(new QuantizedShell(7, 1, 100, 200, 0, 2300, 5), 0b01));
        Assert.True(full.TryAddShell(new QuantizedShell(3, 9, 300, 400, 0, 2300, 5), 0b11));
        Assert.Equal([0b01, 0b11, 0b10], full.TankSeenBy.ToArray());

        var buffer = new byte[WorldState.MaxBinaryBytes];
        var n = full.WriteTo(buffer);
        Assert.Equal(14 + 3 * 29 + 2 * 23, n);
        Assert.Equal(0b01, buffer[14 + 28]); // tank 1's mask after its 28 bytes
        var read = new WorldState();
        Assert.Equal(SnapshotReadResult.Ok, WorldState.TryRead(buffer.AsSpan(0, n), read));
        Assert.Equal(full.TankSeenBy.ToArray(), read.TankSeenBy.ToArray());
        Assert.Equal(full.ShellSeenBy.ToArray(), read.ShellSeenBy.ToArray());

        var view = new WorldState();
        view.CopyTeamView(read, 0);
        Assert.Equal([(ushort)1, (ushort)4], view.Tanks.ToArray().Select(t => t.Id));
        Assert.Equal([10u, 40u], view.LastInputs.ToArray());
        Assert.Equal([3u, 7u], view.Shells.ToArray().Select(s => s.Id));
        view.CopyTeamView(read, 1);
        Assert.Equal([(ushort)4, (ushort)9], view.Tanks.ToArray().Select(t => t.Id));
        Assert.Equal([3u], view.Shells.ToArray().Select(s => s.Id));
        Assert.Equal(full.Header, view.Header);

        buffer[14 + 28] = 4; // a mask beyond both teams
        Assert.Equal(SnapshotReadResult.Malformed, WorldState.TryRead(buffer.AsSpan(0, n), read));
    }

    [Fact]
    public void Spotted_and_lost_events_round_trip()
    {
        var buffer = new byte[GameProtocol.MaxMessageBytes];
        var writer = new BattleEventsWriter(buffer, 77);
        Assert.True(writer.TryAdd(WireEvent.Spotting(WireEventKind.Spotted, 9, 2, 0, 12_345, 67_890)));
        Assert.True(writer.TryAdd(WireEvent.Spotting(WireEventKind.Lost, 9, 0xFFFF, 0, 12_000, 67_000)));
        var length = writer.Finish();
        Assert.Equal(BattleEventsMessage.FixedBytes + 2 * 14, length);
        Assert.Equal(GameMessageReadResult.Ok, BattleEventsMessage.TryRead(buffer.AsSpan(0, length), out var view));
        var events = new List<WireEvent>();
        foreach (var e in view)
        {
            events.Add(e);
        }
        Assert.Equal(
            [WireEvent.Spotting(WireEventKind.Spotted, 9, 2, 0, 12_345, 67_890), WireEvent.Spotting(WireEventKind.Lost, 9, 0xFFFF, 0, 12_000, 67_000)],
            events);

        buffer[BattleEventsMessage.FixedBytes + 5] = 2; // team 2
        Assert.Equal(GameMessageReadResult.BadValue, BattleEventsMessage.TryRead(buffer.AsSpan(0, length), out _));
    }
}
