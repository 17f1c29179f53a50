using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Tanks.Gateway.Udp;
using Tanks.Gateway.Udp.Game;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Game;
using Tanks.Protocol.Netcode;
using Tanks.Protocol.Snapshots;
using BattlePlayer = Tanks.Grains.Interfaces.Sessions.BattlePlayer;

namespace Tanks.Tests.Gateway;

/// <summary>
/// Gateway.Udp's <see cref="BattleRoom"/> in-process, frames pushed straight into its observer method and every payload
/// it sends recorded per client: a BattleStart comes before the first snapshot, a resent BattleStart restarts the stream
/// with a full snapshot (and acks sent before it do not bring deltas back), and a frame overtaken on the way keeps its events.
/// </summary>
public sealed class BattleRoomTests
{
    private static readonly Guid BattleId = Guid.Parse("6d1f0a52-9a49-4c52-8f43-0b7a3c2d1e01");
    private static readonly byte[] DefinitionPart = [(byte)GameMessageType.BattleDefinition, GameProtocol.Version, 0xAA];

    [Fact]
    public async Task No_snapshot_reaches_a_client_before_its_BattleStart_even_when_a_frame_comes_during_the_admission()
    {
        var sender = new RecordingSender();
        var (room, player) = NewRoom(sender);
        room.OnFrames([Frame(1)]); // the room runs already: other players of this gateway are in it
        var client = NewClient(1);
        lock (client)
        {
            client.EnterBattle(room, (ushort)player.Slot);
        }

        // The moment the definition goes out, the battle's next frame arrives on another thread. It must wait until the
        // start is out: before the fix (TryAdd, then SendBattleStart) its snapshot went out between the two.
        Task? frame = null;
        sender.OnSend = (c, payload) =>
        {
            if (c == client.Connection.ClientId && payload[0] == (byte)GameMessageType.BattleDefinition && frame is null)
            {
                frame = Task.Run(() => room.OnFrames([Frame(2)]));
                frame.Wait(TimeSpan.FromMilliseconds(300)); // done at once unless it waits for the admission (it must)
            }
        };

        Assert.True(room.TryAdmit(client, player));
        Assert.NotNull(frame);
        await frame!.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var types = sender.Of(client).Select(p => (GameMessageType)p[0]).ToArray();
        Assert.Equal([GameMessageType.BattleDefinition, GameMessageType.BattleStart, GameMessageType.Snapshot], types);
        Assert.True(IsFull(sender.Of(client)[2]));
    }

    [Fact]
    public void A_resent_BattleStart_is_followed_by_a_full_snapshot_and_acks_sent_before_it_bring_no_delta_back()
    {
        var sender = new RecordingSender();
        var (room, player) = NewRoom(sender);
        var client = NewClient(1);
        lock (client)
        {
            client.EnterBattle(room, (ushort)player.Slot);
        }

        Assert.True(room.TryAdmit(client, player));
        room.OnFrames([Frame(1)]);
        lock (client)
        {
            client.Acknowledge(1);
        }

        room.OnFrames([Frame(2)]);
        Assert.False(IsFull(sender.Of(client)[^1])); // a delta against tick 1

        // The client lost its start and asks again (JoinQueue while in the battle): it resets and decodes deltas no more.
        room.ResendBattleStart(client, player);
        Assert.Equal(GameMessageType.BattleStart, (GameMessageType)sender.Of(client)[^1][0]);
        lock (client)
        {
            client.Acknowledge(2); // an input sent before the client read the start: its baseline is gone there
        }

        room.OnFrames([Frame(3)]);
        Assert.True(IsFull(sender.Of(client)[^1])); // before the fix: a delta against tick 1, undecodable for 32 ticks

        lock (client)
        {
            client.Acknowledge(3); // the client decoded the full snapshot of tick 3
        }

        room.OnFrames([Frame(4)]);
        var last = sender.Of(client)[^1];
        Assert.False(IsFull(last));
        Assert.Equal(GameMessageReadResult.Ok, SnapshotMessage.TryRead(last, out var part));
        Assert.Equal(4u, part.Tick);
        Assert.Equal(1, part.BaselineAge); // against tick 3
    }

    [Fact]
    public void A_frame_overtaken_by_a_newer_one_still_delivers_its_events_once_and_no_older_snapshot()
    {
        var sender = new RecordingSender();
        var (room, player) = NewRoom(sender);
        var client = NewClient(1);
        lock (client)
        {
            client.EnterBattle(room, (ushort)player.Slot);
        }

        Assert.True(room.TryAdmit(client, player));
        room.OnFrames([Frame(1, withEvents: true)]);
        room.OnFrames([Frame(3, withEvents: true)]);
        room.OnFrames([Frame(2, withEvents: true)]); // overtaken on the way (observer messages are not ordered)
        room.OnFrames([Frame(2, withEvents: true)]); // and delivered twice: its events go out once
        room.OnFrames([Frame(3, withEvents: true)]); // a tick that went out already: nothing

        var sent = sender.Of(client).Skip(2).ToArray(); // after the definition and the start
        var snapshotTicks = sent.Where(p => p[0] == (byte)GameMessageType.Snapshot)
            .Select(p => SnapshotMessage.TryRead(p, out var part) == GameMessageReadResult.Ok ? part.Tick : 0).ToArray();
        var eventTicks = sent.Where(p => p[0] == (byte)GameMessageType.BattleEvents)
            .Select(p => BattleEventsMessage.TryRead(p, out var view) == GameMessageReadResult.Ok ? view.Tick : 0).ToArray();
        Assert.Equal([1u, 3u], snapshotTicks);
        Assert.Equal([1u, 3u, 2u], eventTicks); // before the fix: tick 2's shot was never sent
    }

    private static bool IsFull(byte[] snapshotPart)
    {
        Assert.Equal(GameMessageReadResult.Ok, SnapshotMessage.TryRead(snapshotPart, out var part));
        return part.BaselineAge == 0;
    }

    private static (BattleRoom Room, BattlePlayer Player) NewRoom(RecordingSender sender)
    {
        var gateway = new GameGateway(null!, new GameMetrics(), new UdpGatewayOptions(), NullLogger.Instance);
        gateway.Attach(sender);
        var players = ImmutableArray.Create(
            new BattlePlayer(1, 0, 0, "medium", "alice"),
            new BattlePlayer(2, 1, 1, "light", "bob"));
        var info = new BattleInfo(new BattleAssignment(BattleId, "duel", 7, players), 0, 20, false);
        var room = new BattleRoom(gateway, info, null!, new BattleDefinitionData(0x0123456789ABCDEF, [DefinitionPart]));
        return (room, players[0]);
    }

    private static GameClient NewClient(long userId) =>
        new(new UdpConnection(0, 1, (ulong)userId, NetcodeAddress.IPv4(127, 0, 0, 1, 40000)), "alice");

    /// <summary>The grain → gateway binary form of a tick: two tanks, one driving; a shot event when asked.</summary>
    private static BattleFrame Frame(int tick, bool withEvents = false)
    {
        var state = new WorldState();
        state.Clear(new SnapshotHeader((uint)tick, (ushort)(6000 - tick), 0, 0, SnapshotHeader.NoWinner, 0));
        state.AddTank(new QuantizedTank(0, 0, TankClassCodes.Medium, 1000 + 50 * tick, 2000, 0, 0, 700, true, 0, 500));
        state.AddTank(new QuantizedTank(1, 1, TankClassCodes.Light, 5000, 2000, 32768, 32768, 500, true, 0));
        var bytes = new byte[state.BinarySize];
        state.WriteTo(bytes);
        var events = Array.Empty<byte>();
        if (withEvents)
        {
            var buffer = new byte[GameProtocol.MaxMessageBytes];
            var writer = new BattleEventsWriter(buffer, (uint)tick);
            Assert.True(writer.TryAdd(WireEvent.Shot(0, (uint)tick, 1000, 2000, 0, 4000)));
            events = buffer.AsSpan(0, writer.Finish()).ToArray();
        }

        return new BattleFrame(BattleId, tick, bytes, events);
    }

    private sealed class RecordingSender : IUdpSender
    {
        private readonly ConcurrentDictionary<ulong, List<byte[]>> _sent = new();

        public Action<ulong, byte[]>? OnSend { get; set; }

        public List<byte[]> Of(GameClient client)
        {
            var list = _sent.GetOrAdd(client.Connection.ClientId, _ => []);
            lock (list)
            {
                return [.. list];
            }
        }

        public UdpSendScope BeginSendBatch() => default;

        public void EndSendBatch()
        {
        }

        public bool TrySendPayload(in UdpConnection connection, ReadOnlySpan<byte> payload)
        {
            var copy = payload.ToArray();
            var list = _sent.GetOrAdd(connection.ClientId, _ => []);
            lock (list)
            {
                list.Add(copy);
            }

            if (OnSend is { } onSend)
            {
                onSend(connection.ClientId, copy);
            }

            return true;
        }

        public void Disconnect(in UdpConnection connection)
        {
        }
    }
}
