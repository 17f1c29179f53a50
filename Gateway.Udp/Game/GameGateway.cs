using System.Collections.Concurrent;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Auth;

namespace Tanks.Gateway.Udp.Game;

/// <summary>
/// <c>PayloadMode=game</c>: the game layer of Gateway.Udp. Validates the clients' game messages (a bad one is dropped
/// and counted), talks to the registry for the queue, keeps one <see cref="BattleRoom"/> per battle it has players in,
/// forwards inputs once per tick per battle, and turns each battle's frames into per-client delta snapshots.
/// Split by concern: <c>.Messages.cs</c> (the receive path), <c>.Battles.cs</c> (rooms, observers, the queue poll).
/// Soft state only: a restart costs its players a reconnect.
/// </summary>
internal sealed partial class GameGateway : IPayloadHandler, IMatchObserver
{
    /// <summary>How often observer subscriptions are renewed (the grains forget an observer after 30–60 s).</summary>
    public static readonly TimeSpan RenewPeriod = TimeSpan.FromSeconds(10);

    private readonly IClusterClient _cluster;
    private readonly UdpGatewayOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ulong, GameClient> _clients = new();
    private IUdpSender? _sender;

    public GameGateway(IClusterClient cluster, GameMetrics metrics, UdpGatewayOptions options, ILogger logger)
    {
        _cluster = cluster;
        Metrics = metrics;
        _options = options;
        _logger = logger;
    }

    public GameMetrics Metrics { get; }

    public int Clients => _clients.Count;

    /// <summary>Whether snapshots go as deltas (else always full; see <see cref="UdpGatewayOptions.DeltaSnapshots"/>).</summary>
    public bool DeltaSnapshots => _options.DeltaSnapshots;

    private ISessionRegistryGrain Registry => _cluster.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey);

    /// <summary>Queue requests go to the player's own grain (and on to their shard), never through the registry.</summary>
    private IPlayerGrain Player(long userId) => _cluster.GetGrain<IPlayerGrain>(userId);

    /// <summary>Bounds every matchmaking call a client's request makes, so a slow cluster delays an answer, never holds a request forever.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The connection layer this handler sends through (set once, before the socket opens).</summary>
    public void Attach(IUdpSender sender) => _sender = sender;

    public void OnConnected(in UdpConnection connection, ReadOnlySpan<byte> userData)
    {
        // Called under the connection layer's handshake lock: only bookkeeping here.
        var client = new GameClient(connection, ConnectTokenUserData.ReadUserName(userData) ?? "");
        GameClient? previous = null;
        _clients.AddOrUpdate(connection.ClientId, client, (_, old) =>
        {
            previous = old;
            return client;
        });
        if (previous is not null)
        {
            Drop(previous); // the old connection's disconnect has not reached us yet
        }

        PlayerConnected(client);
    }

    public void OnDisconnected(in UdpConnection connection, UdpDisconnectReason reason)
    {
        if (_clients.TryGetValue(connection.ClientId, out var client) && client.Connection == connection)
        {
            _clients.TryRemove(new KeyValuePair<ulong, GameClient>(connection.ClientId, client));
            Drop(client);
        }
    }

    /// <summary>Opens a send batch on this thread (see <see cref="IUdpSender.BeginSendBatch"/>).</summary>
    public UdpSendScope BeginSendBatch() => _sender?.BeginSendBatch() ?? default;

    /// <summary>Sends one game message to a client; false when its connection is gone.</summary>
    public bool Send(GameClient client, ReadOnlySpan<byte> message) => _sender?.TrySendPayload(client.Connection, message) ?? false;

    /// <summary>The client is gone: its tank idles in its battle, a queued player leaves the queue.</summary>
    private void Drop(GameClient client)
    {
        BattleRoom? room;
        bool queued;
        float yaw;
        lock (client)
        {
            client.Gone = true;
            room = client.Room;
            queued = client.Phase == ClientPhase.Queued;
            yaw = client.LastTurretYaw;
            client.LeaveBattle();
        }

        PlayerGone(client);
        if (room is not null)
        {
            room.Idle(client.UserId, yaw);
            if (room.Remove(client) == 0)
            {
                CloseIfEmpty(room);
            }
        }

        // Out of the queue and out of a platoon, whatever the phase (a platoon member in a battle stays in the battle).
        _ = DisconnectedQuietlyAsync(client.UserId);
    }

    private async Task DisconnectedQuietlyAsync(long userId)
    {
        try
        {
            await Player(userId).DisconnectedAsync().WaitAsync(RequestTimeout);
        }
        catch (Exception ex)
        {
            Log.RegistryCallFailed(_logger, ex, "Disconnected", userId);
        }
    }
}
