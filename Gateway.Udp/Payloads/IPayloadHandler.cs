using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Udp.Payloads;

/// <summary>One connected client as the game layer sees it; stale once the client is gone (the gateway checks <see cref="Generation"/>).</summary>
public readonly record struct UdpConnection(int Index, uint Generation, ulong ClientId, NetcodeAddress Address);

/// <summary>Why a client left its slot.</summary>
public enum UdpDisconnectReason
{
    /// <summary>The client sent disconnect packets.</summary>
    ClientDisconnected,

    /// <summary>Nothing arrived from the client for the token's timeout.</summary>
    TimedOut,

    /// <summary>The server (game layer or shutdown) disconnected it.</summary>
    ServerDisconnected,
}

/// <summary>Sends to connected clients; thread-safe, allocation-free.</summary>
public interface IUdpSender
{
    /// <summary>Sends a payload (1..1200 bytes); false when the connection is gone.</summary>
    bool TrySendPayload(in UdpConnection connection, ReadOnlySpan<byte> payload);

    /// <summary>Disconnects the client (redundant disconnect packets, slot freed).</summary>
    void Disconnect(in UdpConnection connection);

    /// <summary>
    /// Until the scope is disposed, what this thread sends is queued and goes out in as few system calls as the
    /// platform allows (<c>sendmmsg</c>); without a scope, or where batching is off, each datagram goes at once.
    /// Scopes nest; the outermost one sends. Open one around a burst (a tick's fan-out), never across a wait.
    /// </summary>
    UdpSendScope BeginSendBatch();

    /// <summary>Ends the scope <see cref="BeginSendBatch"/> opened (called by <see cref="UdpSendScope.Dispose"/>).</summary>
    void EndSendBatch();
}

/// <summary>An open send batch (see <see cref="IUdpSender.BeginSendBatch"/>); default: none.</summary>
public readonly struct UdpSendScope(IUdpSender? sender) : IDisposable
{
    public void Dispose() => sender?.EndSendBatch();
}

/// <summary>
/// The seam between the connection layer and the game: the gateway hands each authenticated payload here.
/// Calls come on the receive thread(s) (payloads) and the logic thread (timeouts) and must not block;
/// the battle layer (a later issue) will queue inputs here and forward them to the grains once per tick.
/// </summary>
public interface IPayloadHandler
{
    /// <summary>A client completed the handshake; <paramref name="userData"/> is its token's sealed user data (valid during the call).</summary>
    void OnConnected(in UdpConnection connection, ReadOnlySpan<byte> userData);

    /// <summary>An authenticated, non-replayed payload; <paramref name="payload"/> is valid only during the call.</summary>
    void OnPayload(IUdpSender sender, in UdpConnection connection, ReadOnlySpan<byte> payload);

    void OnDisconnected(in UdpConnection connection, UdpDisconnectReason reason);
}
